import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { PageInfoModel, RunModel } from './run.model';

@ObjectType('FailedStep', { description: 'The step a failed run failed in' })
export class FailedStepModel {
  @Field(() => String)
  path!: string;

  @Field(() => String)
  id!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => GraphQLJSON, { nullable: true })
  error!: unknown;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType('DeadLetterRun', { description: 'A run that failed after its retries' })
export class DeadLetterRunModel {
  @Field(() => RunModel)
  run!: RunModel;

  @Field(() => GraphQLISODateTime)
  failedAt!: Date;

  @Field(() => FailedStepModel, { nullable: true })
  failedStep!: FailedStepModel | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The run’s error ({ type, message })' })
  error!: unknown;

  @Field(() => [ID], { description: 'Reruns of this run, newest first' })
  rerunBy!: string[];

  @Field(() => Boolean, { description: 'retryRun with mode reset can re-run the failed step' })
  canReset!: boolean;
}

@ObjectType('DeadLetterEdge')
export class DeadLetterEdgeModel {
  @Field(() => String)
  cursor!: string;

  @Field(() => DeadLetterRunModel)
  node!: DeadLetterRunModel;
}

@ObjectType('DeadLetterConnection')
export class DeadLetterConnectionModel {
  @Field(() => [DeadLetterEdgeModel])
  edges!: DeadLetterEdgeModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;
}

@ObjectType('RetryResult', { description: 'What retryRun did' })
export class RetryResultModel {
  @Field(() => String, { description: 'reset | rerun' })
  mode!: string;

  @Field(() => RunModel, { description: 'reset: the same run, running again; rerun: the new run' })
  run!: RunModel;

  @Field(() => String, { nullable: true, description: 'reset: the step it re-runs from' })
  failedStep!: string | null;

  @Field(() => ID, { nullable: true, description: 'rerun: the original run' })
  retryOf!: string | null;
}
