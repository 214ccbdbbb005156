import {
  Args,
  Context,
  ID,
  Int,
  Mutation,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { ApprovalsService } from '../approvals/approvals.service';
import { decideBodySchema } from '../approvals/dto/approvals.dto';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { listRunsQuerySchema } from './dto/list-runs.dto';
import { startRunSchema } from './dto/start-run.dto';
import { RunEventsService } from './events/run-events.service';
import { APPROVAL_PREFIX, POLICY_PREFIX, RunLoadersFactory } from './loaders/run-loaders';
import {
  DecisionModel,
  ResumeInput,
  ResumeResultModel,
  RunConnectionModel,
  RunFilterInput,
  RunModel,
  StartRunInput,
  StepModel,
} from './models/run.model';
import { BlobBudget, RunBlobsService } from './run-blobs.service';
import { RunControlService } from './run-control.service';
import { toDecisionModel, toRunModel, toStepModel } from './run.graphql-mapper';
import { RunsService } from './runs.service';

/** The same zod schemas as REST validate the GraphQL arguments (one set of rules and messages). */
const listArgs = new ZodPipe(listRunsQuerySchema, 'query');
const startArgs = new ZodPipe(startRunSchema, 'body');
const resumeArgs = new ZodPipe(decideBodySchema, 'body');

/** Blob bytes resolved into `Run.output` fields per GraphQL operation (shared by all its runs). */
const blobBudgets = new WeakMap<object, BlobBudget>();

@Resolver(() => RunModel)
export class RunsResolver {
  constructor(
    private readonly service: RunsService,
    private readonly control: RunControlService,
    private readonly events: RunEventsService,
    private readonly loaders: RunLoadersFactory,
    private readonly decisions: ApprovalsService,
    private readonly blobs: RunBlobsService,
  ) {}

  @Query(() => RunModel, { description: 'A run of the caller’s tenant' })
  @Requires('runs:read')
  async run(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: object,
  ): Promise<RunModel> {
    const run = await this.service.get(principal, id);
    this.loaders.of(ctx, principal.tenant).prime(run);
    return toRunModel(run, this.service.temporalLink(run.id));
  }

  @Query(() => RunConnectionModel, { description: 'The caller’s runs, newest first (Relay connection)' })
  @Requires('runs:read')
  async runs(
    @CurrentPrincipal() principal: Principal,
    @Args('filter', { type: () => RunFilterInput, nullable: true }) filter: RunFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Context() ctx: object,
  ): Promise<RunConnectionModel> {
    const query = listArgs.transform({
      ...(filter?.status ? { status: filter.status } : {}),
      ...(filter?.pipeline ? { pipeline: filter.pipeline } : {}),
      ...(filter?.tag ? { tag: filter.tag } : {}),
      ...(filter?.createdAfter ? { createdAfter: filter.createdAfter.toISOString() } : {}),
      ...(filter?.createdBefore ? { createdBefore: filter.createdBefore.toISOString() } : {}),
      parent: filter?.topLevelOnly ? 'none' : 'any',
      limit: first,
      ...(after ? { cursor: after } : {}),
    });
    const page = await this.service.list(principal, query);
    const loaders = this.loaders.of(ctx, principal.tenant);
    page.runs.forEach((r) => loaders.prime(r));
    const edges = page.runs.map((run, i) => ({
      cursor: page.cursors[i]!,
      node: toRunModel(run, this.service.temporalLink(run.id)),
    }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.nextCursor !== null,
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  @Mutation(() => RunModel, { description: 'Starts a run (same rules as POST /v1/runs)' })
  @Requires('runs:write')
  async startRun(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => StartRunInput }) input: StartRunInput,
  ): Promise<RunModel> {
    const body = startArgs.transform({
      pipeline: input.pipeline ?? input.document,
      input: input.input ?? {},
    });
    const { run } = await this.service.start(principal, body, input.idempotencyKey ?? undefined);
    return toRunModel(run, this.service.temporalLink(run.id));
  }

  @Mutation(() => RunModel, {
    description: 'Requests cancellation; compensations run, then the run ends `cancelled`',
  })
  @Requires('runs:write')
  async cancelRun(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ): Promise<RunModel> {
    const run = await this.control.cancel(principal, id, reason ? { reason } : {});
    return toRunModel(run, this.service.temporalLink(run.id));
  }

  @Mutation(() => ResumeResultModel, {
    description:
      'Votes on a waiting approval step or submits input data: the same as `decide` (Temporal update `flowgate.decide`; ' +
      'group approvers allowed, refusals with the same codes)',
  })
  @Requires('approvals:decide')
  async resume(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => ResumeInput }) input: ResumeInput,
  ): Promise<ResumeResultModel> {
    const body = resumeArgs.transform({
      stepId: input.stepId,
      ...(input.decision != null ? { decision: input.decision } : {}),
      ...(input.data !== undefined && input.data !== null ? { data: input.data } : {}),
      ...(input.comment != null ? { comment: input.comment } : {}),
    });
    const result = await this.decisions.decide(principal, input.runId, body);
    return { runId: input.runId, stepId: result.stepId, status: result.status, accepted: true };
  }

  @Subscription(() => RunModel, {
    description: 'The run now, then after every change of it or its steps, until it ends',
  })
  @Requires('runs:read')
  async runUpdated(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Context() ctx: object,
  ): Promise<AsyncIterable<{ runUpdated: RunModel }>> {
    await this.service.get(principal, id); // not found → an error now, not an empty stream
    const updates = this.events.updates(principal, id, () => this.loaders.reset(ctx));
    const link = (runId: string) => this.service.temporalLink(runId);
    return (async function* () {
      for await (const run of updates) yield { runUpdated: toRunModel(run, link(run.id)) };
    })();
  }

  @ResolveField(() => GraphQLJSON, {
    name: 'output',
    nullable: true,
    description:
      'The run output, with large step results stored by reference replaced by their value (up to 10 MB per operation; ' +
      'past that, `{ "$ref": "blob:<id>", size, sha256, preview }` as stored: download from GET /v1/runs/{id}/blobs/{blobId})',
  })
  async output(
    @Parent() run: RunModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: object,
  ): Promise<unknown> {
    let budget = blobBudgets.get(ctx);
    if (!budget) blobBudgets.set(ctx, (budget = new BlobBudget()));
    return this.blobs.resolveOutput(principal.tenant, run.id, run.output, budget);
  }

  @ResolveField(() => [StepModel], {
    description: 'Top-level steps with their `children` (or every step with `flat: true`)',
  })
  async steps(
    @Parent() run: RunModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: object,
    @Args('flat', { type: () => Boolean, defaultValue: false }) flat: boolean,
  ): Promise<StepModel[]> {
    const loaders = this.loaders.of(ctx, principal.tenant);
    if (flat) return (await loaders.stepsByRun.load(run.id)).map(toStepModel);
    return (await loaders.tree(run.id)).roots.map(toStepModel);
  }

  @ResolveField(() => [RunModel], { description: 'Sub-pipeline runs started by this run' })
  async childRuns(
    @Parent() run: RunModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: object,
  ): Promise<RunModel[]> {
    const children = await this.loaders.of(ctx, principal.tenant).childrenByRun.load(run.id);
    return children.map((c) => toRunModel(c, this.service.temporalLink(c.id)));
  }

  @ResolveField(() => RunModel, {
    nullable: true,
    description: 'The run that started this one as a sub-pipeline',
  })
  async parentRun(
    @Parent() run: RunModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: object,
  ): Promise<RunModel | null> {
    if (!run.parentRunId) return null;
    const parent = await this.loaders.of(ctx, principal.tenant).runById.load(run.parentRunId);
    return parent ? toRunModel(parent, this.service.temporalLink(parent.id)) : null;
  }

  @ResolveField(() => [DecisionModel], { description: 'Approval decisions (audit actions `approval.*`)' })
  async approvals(
    @Parent() run: RunModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: object,
  ): Promise<DecisionModel[]> {
    const events = await this.loaders.of(ctx, principal.tenant).decisionsByRun.load(run.id);
    return events.filter((e) => e.action.startsWith(APPROVAL_PREFIX)).map(toDecisionModel);
  }

  @ResolveField(() => [DecisionModel], {
    description: 'Governance policy decisions (audit actions `policy.*`)',
  })
  async policyDecisions(
    @Parent() run: RunModel,
    @CurrentPrincipal() principal: Principal,
    @Context() ctx: object,
  ): Promise<DecisionModel[]> {
    const events = await this.loaders.of(ctx, principal.tenant).decisionsByRun.load(run.id);
    return events.filter((e) => e.action.startsWith(POLICY_PREFIX)).map(toDecisionModel);
  }
}
