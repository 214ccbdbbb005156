import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';

@ObjectType('ScheduledPipeline')
export class ScheduledPipelineModel {
  @Field(() => String)
  name!: string;

  @Field(() => Int)
  version!: number;
}

@ObjectType('ScheduledRun', { description: 'A run a schedule started' })
export class ScheduledRunModel {
  @Field(() => ID)
  runId!: string;

  @Field(() => GraphQLISODateTime, { nullable: true })
  scheduledAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;
}

@ObjectType('Schedule', { description: 'A pipeline schedule (a Temporal Schedule)' })
export class ScheduleModel {
  @Field(() => ID, { description: '`flowgate:<tenant>:<pipeline>`' })
  id!: string;

  @Field(() => ScheduledPipelineModel)
  pipeline!: ScheduledPipelineModel;

  @Field(() => String)
  cron!: string;

  @Field(() => String)
  timezone!: string;

  @Field(() => String, {
    description: 'Overlap policy: skip | bufferOne | bufferAll | cancelOther | terminateOther | allowAll',
  })
  overlap!: string;

  @Field(() => GraphQLJSON, { nullable: true })
  input!: unknown;

  @Field(() => String, { description: 'active | paused | missing' })
  state!: string;

  @Field(() => Boolean)
  paused!: boolean;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  nextRunAt!: Date | null;

  @Field(() => [GraphQLISODateTime])
  nextActionTimes!: Date[];

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastRunAt!: Date | null;

  @Field(() => [ScheduledRunModel], { description: 'Recent runs, newest first' })
  recentRuns!: ScheduledRunModel[];

  @Field(() => [ID], { description: 'Runs of the schedule still running' })
  runningRuns!: string[];

  @Field(() => Int)
  actionsTaken!: number;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  updatedAt!: Date;

  @Field(() => String)
  temporalUrl!: string;
}
