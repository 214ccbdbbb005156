import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { presentApiKey } from './api-key.presenter';
import { ApiKeysService } from './api-keys.service';
import {
  createApiKeySchema,
  listApiKeysQuerySchema,
  type CreateApiKeyBody,
  type ListApiKeysQuery,
} from './dto/create-api-key.dto';

@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @Requires('admin')
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(createApiKeySchema)) body: CreateApiKeyBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { record, token } = await this.keys.create(principal, body);
    void reply.status(201).header('location', `/v1/api-keys/${record.id}`);
    return { ...presentApiKey(record), token };
  }

  @Get()
  @Requires('admin')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(listApiKeysQuerySchema, 'query')) query: ListApiKeysQuery,
  ) {
    return { items: (await this.keys.list(principal, query.tenant)).map(presentApiKey) };
  }

  @Delete(':id')
  @Requires('admin')
  async revoke(@CurrentPrincipal() principal: Principal, @Param('id') id: string) {
    return presentApiKey(await this.keys.revoke(principal, id));
  }
}
