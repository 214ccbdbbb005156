import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType('PipelineRef')
export class PipelineRefModel {
  @Field(() => String)
  name!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String)
  digest!: string;
}

@ObjectType('Attempt', { description: 'One attempt of an activity step' })
export class AttemptModel {
  @Field(() => Int)
  attempt!: number;

  @Field(() => String, { description: 'running | succeeded | failed' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'Identity of the worker that ran it' })
  worker!: string | null;

  @Field(() => GraphQLISODateTime)
  startedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => GraphQLJSON, { nullable: true })
  error!: unknown;
}

@ObjectType('Step')
export class StepModel {
  @Field(() => ID, { description: 'The run this step belongs to' })
  runId!: string;

  @Field(() => String, { description: 'Runtime step path, e.g. `replies[3]/draft`' })
  path!: string;

  @Field(() => String)
  id!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => String)
  status!: string;

  @Field(() => Int, { description: 'Number of attempts so far' })
  attemptCount!: number;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true })
  outputPreview!: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  error!: unknown;
}

@ObjectType('Decision', { description: 'An approval or policy decision recorded in the audit trail' })
export class DecisionModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'e.g. `approval.approved`, `policy.denied`' })
  action!: string;

  @Field(() => String)
  actor!: string;

  @Field(() => String, { nullable: true })
  subject!: string | null;

  @Field(() => String, { nullable: true, description: 'Step id or path the decision is about' })
  stepId!: string | null;

  @Field(() => String, { nullable: true, description: 'approve | reject | allow | deny | …' })
  decision!: string | null;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => GraphQLJSON)
  details!: unknown;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

@ObjectType('WaitingFor', { description: 'An open approval/input request a waiting run waits for' })
export class WaitingForModel {
  @Field(() => String, { description: 'Runtime path of the approval/input step' })
  stepPath!: string;

  @Field(() => String, { description: 'approval | input' })
  kind!: string;

  @Field(() => [String], { description: 'Approver roles (key role or approver groups) that may decide' })
  roles!: string[];

  @Field(() => [String], { description: 'Approver user ids (key names) that may decide' })
  users!: string[];

  @Field(() => Int)
  quorum!: number;

  @Field(() => GraphQLISODateTime, { nullable: true })
  deadline!: Date | null;
}

@ObjectType('Run')
export class RunModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'running | waiting | succeeded | failed | cancelled' })
  status!: string;

  @Field(() => PipelineRefModel)
  pipeline!: PipelineRefModel;

  @Field(() => GraphQLJSON, { nullable: true })
  input!: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  output!: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  error!: unknown;

  @Field(() => [String])
  tags!: string[];

  @Field(() => String)
  submittedBy!: string;

  @Field(() => ID, { nullable: true })
  parentRunId!: string | null;

  @Field(() => String, { nullable: true, description: 'Step of the parent run that started this child run' })
  parentStepPath!: string | null;

  @Field(() => ID, { nullable: true, description: 'The run this one reruns' })
  retryOf!: string | null;

  @Field(() => [WaitingForModel], {
    nullable: true,
    description: 'While the run is `waiting`: who it waits for (one entry per open approval/input step)',
  })
  waitingFor!: WaitingForModel[] | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { description: 'Deep link to this run in the Temporal Web UI' })
  temporalUrl!: string;
}

@ObjectType('PageInfo')
export class PageInfoModel {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('RunEdge')
export class RunEdgeModel {
  @Field(() => String)
  cursor!: string;

  @Field(() => RunModel)
  node!: RunModel;
}

@ObjectType('RunConnection')
export class RunConnectionModel {
  @Field(() => [RunEdgeModel])
  edges!: RunEdgeModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;
}

@InputType('RunFilter')
export class RunFilterInput {
  @Field(() => [String], {
    nullable: true,
    description: 'running | waiting | succeeded | failed | cancelled',
  })
  status?: string[];

  @Field(() => String, { nullable: true })
  pipeline?: string;

  @Field(() => String, { nullable: true })
  tag?: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  createdAfter?: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  createdBefore?: Date;

  @Field(() => Boolean, { nullable: true, description: 'Only runs that are not sub-pipeline child runs' })
  topLevelOnly?: boolean;
}

@InputType('StartRunInput')
export class StartRunInput {
  @Field(() => String, { nullable: true, description: '`name` or `name@version` (or give `document`)' })
  pipeline?: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'An inline pipeline document' })
  document?: Record<string, unknown>;

  @Field(() => GraphQLJSON, { nullable: true })
  input?: unknown;

  @Field(() => String, { nullable: true, description: 'Same as the REST `Idempotency-Key` header' })
  idempotencyKey?: string;
}

@InputType('ResumeInput')
export class ResumeInput {
  @Field(() => ID)
  runId!: string;

  @Field(() => String)
  stepId!: string;

  @Field(() => String, { nullable: true, description: 'approve | reject (approval steps)' })
  decision?: string;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Data for an input step' })
  data?: unknown;

  @Field(() => String, { nullable: true })
  comment?: string;
}

@ObjectType('ResumeResult')
export class ResumeResultModel {
  @Field(() => ID)
  runId!: string;

  @Field(() => String)
  stepId!: string;

  @Field(() => String, {
    description:
      'The step’s state after the decision: pending | escalated | approved | rejected | submitted | …',
  })
  status!: string;

  @Field(() => Boolean, {
    description:
      'Always true: the workflow accepted the decision (`flowgate.decide` update); refusals are errors',
  })
  accepted!: boolean;
}
