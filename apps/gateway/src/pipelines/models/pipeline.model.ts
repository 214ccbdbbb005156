import { Field, GraphQLISODateTime, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('Pipeline', { description: 'The latest registered version of a pipeline' })
export class PipelineModel {
  @Field(() => String)
  name!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String)
  digest!: string;

  @Field(() => [String])
  tags!: string[];

  @Field(() => String)
  createdBy!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}
