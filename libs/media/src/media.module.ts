import { Module } from '@nestjs/common';
import { MediaService } from './media.service';
import { SafeFetcher } from './safe-fetcher';

@Module({
  // The production policy: https on 443 only, public unicast only. No test seams here.
  providers: [{ provide: SafeFetcher, useFactory: () => new SafeFetcher() }, MediaService],
  exports: [MediaService, SafeFetcher],
})
export class MediaModule {}
