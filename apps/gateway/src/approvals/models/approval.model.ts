import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType('ApprovalVote', { description: 'One vote on an approval step' })
export class ApprovalVoteModel {
  @Field(() => String, { description: 'User id (API key name)' })
  actor!: string;

  @Field(() => String, { description: 'approve | reject' })
  decision!: string;

  @Field(() => String, { nullable: true })
  comment!: string | null;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => Int, { description: '0: first approvers; 1: escalation approvers' })
  round!: number;
}

@ObjectType('ApproverSet')
export class ApproverSetModel {
  @Field(() => [String])
  roles!: string[];

  @Field(() => [String])
  users!: string[];
}

@ObjectType('Approval', { description: 'A human-in-the-loop request: an approval or input step' })
export class ApprovalModel {
  @Field(() => ID)
  runId!: string;

  @Field(() => String, { description: 'Runtime path of the step (e.g. `review`, `m[2]/review`)' })
  path!: string;

  @Field(() => String)
  stepId!: string;

  @Field(() => String, { description: 'approval | input' })
  kind!: string;

  @Field(() => String, {
    description: 'pending | escalated | approved | rejected | timed_out | submitted | cancelled',
  })
  status!: string;

  @Field(() => String, { nullable: true, description: 'name@version of the run’s pipeline' })
  pipeline!: string | null;

  @Field(() => ApproverSetModel, { description: 'Who may decide now' })
  approvers!: ApproverSetModel;

  @Field(() => Int)
  quorum!: number;

  @Field(() => Boolean)
  escalated!: boolean;

  @Field(() => [ApprovalVoteModel])
  votes!: ApprovalVoteModel[];

  @Field(() => GraphQLJSON, { nullable: true })
  message!: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Input steps: the JSON Schema of the data' })
  schema!: unknown;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The step output once decided' })
  output!: unknown;

  @Field(() => GraphQLISODateTime)
  requestedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  deadline!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  decidedAt!: Date | null;
}

@InputType('DecideInput')
export class DecideInput {
  @Field(() => ID)
  runId!: string;

  @Field(() => String, { description: 'Step id or runtime path' })
  stepId!: string;

  @Field(() => String, { nullable: true, description: 'approve | reject (approval steps)' })
  decision?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Input steps: the data' })
  data?: unknown;

  @Field(() => String, { nullable: true })
  comment?: string | null;
}

@ObjectType('DecideResult', { description: 'The step’s state after an accepted decision' })
export class DecideResultModel {
  @Field(() => ID)
  runId!: string;

  @Field(() => String)
  stepId!: string;

  @Field(() => String)
  path!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => String)
  status!: string;

  @Field(() => Boolean, { description: 'The caller had already voted: nothing changed' })
  duplicate!: boolean;

  @Field(() => Int)
  quorum!: number;

  @Field(() => Int)
  approvals!: number;

  @Field(() => Int)
  rejections!: number;

  @Field(() => [ApprovalVoteModel])
  votes!: ApprovalVoteModel[];

  @Field(() => GraphQLJSON, { nullable: true })
  output!: unknown;
}
