import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Requires } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { toApprovalModel, toDecideResultModel } from './approval.presenter';
import { ApprovalsService } from './approvals.service';
import { decideBodySchema, listApprovalsQuerySchema } from './dto/approvals.dto';
import { ApprovalModel, DecideInput, DecideResultModel } from './models/approval.model';

const listArgs = new ZodPipe(listApprovalsQuerySchema, 'query');
const decideArgs = new ZodPipe(decideBodySchema, 'body');

@Resolver(() => ApprovalModel)
export class ApprovalsResolver {
  constructor(private readonly approvals: ApprovalsService) {}

  @Query(() => [ApprovalModel], {
    description: 'Approval/input requests the caller may decide (default: still open)',
  })
  @Requires('runs:read')
  async pendingApprovals(
    @CurrentPrincipal() principal: Principal,
    @Args('status', {
      type: () => String,
      nullable: true,
      description: 'pending (default) | decided | all | a status',
    })
    status: string | null,
    @Args('runId', { type: () => String, nullable: true }) runId: string | null,
  ): Promise<ApprovalModel[]> {
    const query = listArgs.transform({ ...(status ? { status } : {}), ...(runId ? { runId } : {}) });
    return (await this.approvals.list(principal, query)).map(toApprovalModel);
  }

  @Mutation(() => DecideResultModel, {
    description:
      'Votes on an approval step or submits input data (Temporal update: refused at once when not allowed)',
  })
  @Requires('approvals:decide')
  async decide(
    @CurrentPrincipal() principal: Principal,
    @Args('input', { type: () => DecideInput }) input: DecideInput,
  ): Promise<DecideResultModel> {
    const body = decideArgs.transform({
      stepId: input.stepId,
      ...(input.decision != null ? { decision: input.decision } : {}),
      ...(input.data !== undefined && input.data !== null ? { data: input.data } : {}),
      ...(input.comment != null ? { comment: input.comment } : {}),
    });
    return toDecideResultModel(await this.approvals.decide(principal, input.runId, body));
  }
}
