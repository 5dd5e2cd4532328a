import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StorageService } from './storage.service';

const PREFIX = '/files/';

/**
 * Serves stored objects behind signed, expiring links (`StorageService.signedUrl`). Not part of
 * the published API: clients only ever follow URLs the API hands out (e.g. a job's result URL).
 */
@ApiExcludeController()
@Controller('files')
export class FilesController {
  constructor(private readonly storage: StorageService) {}

  @Get('*')
  async download(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query('exp') exp: string | undefined,
    @Query('sig') sig: string | undefined,
    @Headers('range') range: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
  ): Promise<void> {
    // The raw path, not a decoded parameter: valid keys need no escaping, so `%` never passes.
    const path = request.url.split('?')[0];
    const key = path.startsWith(PREFIX) ? path.slice(PREFIX.length) : '';
    const download = await this.storage.openSignedDownload({
      key,
      exp: typeof exp === 'string' ? exp : undefined,
      sig: typeof sig === 'string' ? sig : undefined,
      range,
      ifNoneMatch,
      headOnly: request.method === 'HEAD',
    });
    await reply.status(download.status).headers(download.headers).send(download.body);
  }
}
