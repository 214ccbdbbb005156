import { Body, Controller, Get, Headers, HttpCode, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { presentPipeline } from './pipeline.presenter';
import { PipelineCompilerService } from './pipeline-compiler.service';
import { PipelinesService } from './pipelines.service';
import { documentBody } from '../common/validation/document-body';

@Controller('v1/pipelines')
export class PipelinesController {
  constructor(
    private readonly pipelines: PipelinesService,
    private readonly compiler: PipelineCompilerService,
  ) {}

  @Post()
  @Requires('pipelines:write')
  async register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { text, format } = documentBody(body, contentType, 'pipeline');
    const { created, record, warnings, schedule } = await this.pipelines.register(principal, text, format);
    void reply.status(created ? 201 : 200);
    return { ...presentPipeline(record), created, warnings, schedule };
  }

  @Post('validate')
  @HttpCode(200)
  @Requires('pipelines:read')
  async validate(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
  ) {
    const { text, format } = documentBody(body, contentType, 'pipeline');
    const { plan, warnings } = await this.compiler.compile(principal.tenant, text, format);
    return {
      valid: true,
      pipeline: plan.pipeline,
      digest: plan.digest,
      activities: plan.activities,
      warnings,
    };
  }

  @Get()
  @Requires('pipelines:read')
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: (await this.pipelines.list(principal.tenant)).map((r) => presentPipeline(r)) };
  }

  @Get(':name')
  @Requires('pipelines:read')
  async get(@CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    const versions = await this.pipelines.versions(principal.tenant, name);
    return { ...presentPipeline(versions[0]!, true), versions: versions.map((v) => v.version) };
  }

  @Get(':name/versions/:version')
  @Requires('pipelines:read')
  async version(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Param('version', ParseIntPipe) version: number,
  ) {
    return presentPipeline(await this.pipelines.resolve(principal.tenant, `${name}@${version}`), true);
  }
}
