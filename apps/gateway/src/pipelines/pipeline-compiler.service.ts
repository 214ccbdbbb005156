import { Injectable } from '@nestjs/common';
import { collectPipelineRefs, loadParsedPipeline, parsePipelineText, type PipelinePlan } from '@flowgate/dsl';
import { PipelinesRepository } from '@flowgate/store';
import { DomainError } from '../common/errors/domain.error';
import { ErrorCode } from '../common/errors/error-codes';
import { ActivityCatalogService } from './activity-catalog.service';

export type PipelineFormat = 'yaml' | 'json';

export interface CompiledPipeline {
  document: unknown;
  plan: PipelinePlan;
  warnings: unknown[];
}

/**
 * Parses, validates and compiles a pipeline document for a tenant: sub-pipelines are resolved
 * from the tenant's registry and pinned into the plan; activities are checked against the
 * catalog the workers published. Every problem is reported at once.
 */
@Injectable()
export class PipelineCompilerService {
  constructor(
    private readonly pipelines: PipelinesRepository,
    private readonly catalog: ActivityCatalogService,
  ) {}

  async compile(tenant: string, text: string, format: PipelineFormat): Promise<CompiledPipeline> {
    const parsed = parsePipelineText(text, { format });
    if (!parsed.ok) throw invalid(parsed.problems);

    const subPlans = new Map<string, PipelinePlan>();
    for (const ref of collectPipelineRefs(parsed.document)) {
      const record = await this.pipelines.get(tenant, ref.name, ref.version);
      if (record) subPlans.set(`${ref.name}@${ref.version}`, record.plan as PipelinePlan);
    }
    const result = loadParsedPipeline(parsed, { catalog: await this.catalog.catalog(), subPlans });
    if (!result.ok) throw invalid(result.problems);
    return { document: result.document, plan: result.plan, warnings: result.warnings };
  }
}

function invalid(
  problems: readonly { message: string; path: string; line?: number; column?: number; code: string }[],
): DomainError {
  const count = problems.length;
  return new DomainError(
    ErrorCode.InvalidPipeline,
    `the pipeline document has ${count} problem${count === 1 ? '' : 's'}`,
    problems.map((p) => ({ ...p })),
  );
}
