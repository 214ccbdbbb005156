import { Body, Controller, Get, Headers, HttpCode, Param, ParseIntPipe, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { PipelinePlan } from '@flowgate/dsl';
import { denials, warnings, type PolicyVersion } from '@flowgate/policy';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { PipelineCompilerService } from '../pipelines/pipeline-compiler.service';
import { PipelinesService } from '../pipelines/pipelines.service';
import { evaluatePolicySchema, type EvaluatePolicyBody } from './dto/evaluate-policy.dto';
import { PoliciesService } from './policies.service';
import { PolicyAdmissionService } from './policy-admission.service';
import { parsePolicyOrThrow, policyText } from './policy-documents';
import { presentDecision, presentPolicy } from './policy.presenter';

@Controller('v1/policies')
export class PoliciesController {
  constructor(
    private readonly policies: PoliciesService,
    private readonly admission: PolicyAdmissionService,
    private readonly pipelines: PipelinesService,
    private readonly compiler: PipelineCompilerService,
  ) {}

  /** Adds a version of a policy (YAML or JSON). Same content again: 200, `created: false`. */
  @Post()
  @Requires('policies:write')
  async apply(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { text, format } = policyText(body, contentType);
    const { created, record } = await this.policies.apply(principal, text, format);
    void reply.status(created ? 201 : 200).header('location', `/v1/policies/${record.name}`);
    return { ...presentPolicy(record), created };
  }

  /** Dry run: a pipeline against the current policies or a candidate document; nothing is started or reserved. */
  @Post('evaluate')
  @HttpCode(200)
  @Requires('pipelines:read')
  async evaluate(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(evaluatePolicySchema)) body: EvaluatePolicyBody,
  ) {
    const plan = await this.planOf(principal, body.pipeline);
    const current = await this.policies.live(principal.tenant);
    let policies: PolicyVersion[] = current;
    if (body.policy !== undefined) {
      const { document } = parsePolicyOrThrow(body.policy);
      const name = document.metadata.name;
      const existing = current.find((p) => p.name === name);
      const candidate: PolicyVersion = {
        name,
        version: document.metadata.version ?? (existing ? existing.version + 1 : 1),
        document,
      };
      policies = body.includeCurrent ? [...current.filter((p) => p.name !== name), candidate] : [candidate];
    }
    const decisions = await this.admission.evaluate(principal, plan, body.input, policies, {
      phase: 'evaluate',
      reserve: false,
    });
    return {
      allowed: denials(decisions).length === 0,
      pipeline: { ...plan.pipeline, digest: plan.digest },
      policies: policies.map((p) => ({
        name: p.name,
        version: p.version,
        mode: p.document.spec.mode,
        enabled: p.document.spec.enabled,
      })),
      decisions: decisions.map(presentDecision),
      denials: denials(decisions).map(presentDecision),
      warnings: warnings(decisions).map(presentDecision),
    };
  }

  @Get()
  @Requires('pipelines:read')
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: (await this.policies.list(principal.tenant)).map((r) => presentPolicy(r, true)) };
  }

  @Get(':name')
  @Requires('pipelines:read')
  async get(@CurrentPrincipal() principal: Principal, @Param('name') name: string) {
    const versions = await this.policies.versions(principal.tenant, name);
    return { ...presentPolicy(versions[0]!, true), versions: versions.map((v) => v.version) };
  }

  @Get(':name/versions/:version')
  @Requires('pipelines:read')
  async version(
    @CurrentPrincipal() principal: Principal,
    @Param('name') name: string,
    @Param('version', ParseIntPipe) version: number,
  ) {
    return presentPolicy(await this.policies.version(principal.tenant, name, version), true);
  }

  private async planOf(
    principal: Principal,
    pipeline: EvaluatePolicyBody['pipeline'],
  ): Promise<PipelinePlan> {
    if (typeof pipeline === 'string')
      return (await this.pipelines.resolve(principal.tenant, pipeline)).plan as PipelinePlan;
    return (await this.compiler.compile(principal.tenant, JSON.stringify(pipeline, null, 2), 'json')).plan;
  }
}
