import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { PayloadCodec } from '@temporalio/common';
import { codecRequestSchema, runCodecRequest, type CodecRequest } from '@flowgate/codec';
import { AuditRepository } from '@flowgate/store';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { PAYLOAD_CODEC } from './codec.tokens';

/**
 * The Temporal codec server endpoint (`POST /codec/decode`, `POST /codec/encode`): the Temporal
 * Web UI and the `temporal` CLI (`--codec-endpoint`) send encrypted payloads here to show them in
 * clear. Only API keys allowed to operate runs (`runs:write`: operator, admin) may decode.
 */
@Controller('codec')
export class CodecController {
  constructor(
    @Inject(PAYLOAD_CODEC) private readonly codec: PayloadCodec | null,
    private readonly audit: AuditRepository,
  ) {}

  @Post('decode')
  @HttpCode(200)
  @Requires('runs:write')
  async decode(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(codecRequestSchema)) body: CodecRequest,
  ) {
    const result = await this.run('decode', body);
    // Who looked at clear payloads, and how many (never what).
    await this.audit.append({
      tenant: principal.tenant,
      actor: principal.name,
      action: 'codec.decoded',
      details: { payloads: body.payloads.length },
    });
    return result;
  }

  @Post('encode')
  @HttpCode(200)
  @Requires('runs:write')
  encode(@Body(new ZodPipe(codecRequestSchema)) body: CodecRequest) {
    return this.run('encode', body);
  }

  private async run(direction: 'encode' | 'decode', body: CodecRequest) {
    if (!this.codec) {
      throw new DomainError(
        ErrorCode.NotFound,
        'payload encryption is off on this gateway (FLOWGATE_PAYLOAD_KEYS is not set)',
      );
    }
    try {
      return await runCodecRequest(this.codec, direction, body);
    } catch (err) {
      // An unknown key id or a tampered payload: the caller's input, not a server fault.
      throw new DomainError(
        ErrorCode.ValidationFailed,
        `cannot ${direction} the payloads: ${(err as Error).message}`,
      );
    }
  }
}
