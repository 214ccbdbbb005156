import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { RunBlobsService } from './run-blobs.service';

/**
 * `GET /v1/runs/:id/blobs/:blobId`: the JSON value of a large step output stored by reference
 * (`{ "$ref": "blob:<blobId>" }` in the run's output or steps). 404 unless the run belongs to the
 * caller's tenant and the blob to the run's tree.
 */
@Controller('v1/runs')
export class RunBlobsController {
  constructor(private readonly blobs: RunBlobsService) {}

  @Get(':id/blobs/:blobId')
  @Requires('runs:read')
  async download(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Param('blobId') blobId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const blob = await this.blobs.download(principal, id, blobId);
    await reply
      .status(200)
      .header('content-type', 'application/json; charset=utf-8')
      .header('etag', `"${blob.sha256}"`)
      .header('repr-digest', `sha-256=:${Buffer.from(blob.sha256, 'hex').toString('base64')}:`)
      .send(blob.content);
  }
}
