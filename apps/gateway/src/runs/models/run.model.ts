import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
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

@ObjectType('Step')
export class StepModel {
  @Field(() => String, { description: 'Runtime step path, e.g. `replies[3]/draft`' })
  path!: string;

  @Field(() => String)
  id!: string;

  @Field(() => String)
  kind!: string;

  @Field(() => String)
  status!: string;

  @Field(() => Int)
  attempts!: number;

  @Field(() => GraphQLISODateTime, { nullable: true })
  startedAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { nullable: true })
  outputPreview!: string | null;

  @Field(() => GraphQLJSON, { nullable: true })
  error!: unknown;
}

@ObjectType('Run')
export class RunModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  status!: string;

  @Field(() => PipelineRefModel)
  pipeline!: PipelineRefModel;

  @Field(() => GraphQLJSON, { nullable: true })
  input!: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  output!: unknown;

  @Field(() => GraphQLJSON, { nullable: true })
  error!: unknown;

  @Field(() => String)
  submittedBy!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String, { description: 'Deep link to this run in the Temporal Web UI' })
  temporalUrl!: string;
}
