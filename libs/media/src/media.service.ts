import { Injectable } from '@nestjs/common';
import { type DecodedImage, type ImageSourceInput, decodeReferenceImage } from './reference-image';
import { SafeFetcher } from './safe-fetcher';

@Injectable()
export class MediaService {
  constructor(private readonly fetcher: SafeFetcher) {}

  /** Validated bytes of a customer image source; see `decodeReferenceImage`. Call before reserving credits. */
  decodeReferenceImage(input: ImageSourceInput, prefix = 'referenceImage'): Promise<DecodedImage> {
    return decodeReferenceImage(input, this.fetcher, prefix);
  }
}
