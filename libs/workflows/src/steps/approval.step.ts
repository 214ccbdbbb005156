import { ApplicationFailure } from '@temporalio/common';
import {
  CancellationScope,
  condition,
  isCancellation,
  log,
  proxyActivities,
  sleep,
} from '@temporalio/workflow';
import type { ApprovalStepPlan, Json } from '@flowgate/dsl';
import {
  approvalOutput,
  describeApprovers,
  isOpen,
  tally,
  timeoutAction,
} from '../decisions/approval.decision';
import { isPlainObject } from '../decisions/values.decision';
import { ERROR_TYPES, NOTIFY_WEBHOOK_ACTIVITY } from '../wire/names';
import type { HitlRequest } from '../wire/hitl.types';
import type { Runtime, Scope } from '../runtime/runtime.types';
import { openRequest, settleRequest } from './hitl-common';

type Notify = (args: Record<string, Json>) => Promise<unknown>;

/** Reminder notifications: explicit, short timeouts; a failed reminder never fails the approval. */
const notifyActivities = proxyActivities<Record<string, Notify>>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '45s',
  retry: { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s' },
});

/**
 * `approval` (HITL): waits until `quorum` approvers approve (→ approved), approval becomes
 * impossible or, with `rejectOnFirst`, someone rejects (→ rejected), or the deadline passes
 * (`onTimeout`: approve | reject → decision `timed_out`; fail → ApprovalTimedOut; escalate → a
 * second round with the escalation approvers, quorum and timeout). Reminders go to the
 * reminder webhook every `reminder.everyMs` while the step waits. Output: ApprovalOutput.
 */
export async function runApprovalStep(
  step: ApprovalStepPlan,
  scope: Scope,
  rt: Runtime,
  path: string,
): Promise<Json> {
  const ctx = rt.context(scope);
  const message =
    step.message !== undefined ? await rt.template(step.message, ctx, path, 'message') : undefined;
  const webhook =
    step.reminder?.webhook !== undefined
      ? await rt.template(step.reminder.webhook, ctx, path, 'reminder.webhook')
      : undefined;

  const request = openRequest(rt, path, step, {
    kind: 'approval',
    approvers: step.approvers,
    quorum: step.quorum,
    rejectOnFirst: step.rejectOnFirst,
    timeoutMs: step.timeoutMs,
    ...(message !== undefined ? { message } : {}),
  });

  const reminders = new CancellationScope();
  const reminding =
    step.reminder && step.reminder.everyMs > 0
      ? reminders
          .run(() => remind(rt, request, step.reminder?.everyMs ?? 0, webhook, message))
          .catch((err: unknown) => {
            if (!isCancellation(err))
              log.warn('approval reminders stopped', { stepPath: path, error: String(err) });
          })
      : Promise.resolve();

  try {
    for (;;) {
      const round = request.round;
      const left = request.deadline ? Date.parse(request.deadline) - Date.now() : undefined;
      let changed = true;
      if (left === undefined) await condition(() => !isOpen(request));
      else changed = await condition(() => !isOpen(request) || request.round !== round, Math.max(left, 1));
      if (!isOpen(request)) break;
      if (changed) continue;
      // The round's deadline passed with the request still open.
      const action = timeoutAction(step, round);
      const now = new Date().toISOString();
      if (action === 'escalate' && step.escalation) {
        request.round = round + 1;
        request.escalated = true;
        request.status = 'escalated';
        request.approvers = step.escalation.approvers;
        request.quorum = step.escalation.quorum;
        if (step.escalation.timeoutMs !== undefined) {
          request.deadline = new Date(Date.now() + step.escalation.timeoutMs).toISOString();
        } else {
          delete request.deadline;
        }
        rt.hitl.changed(request, true);
        continue;
      }
      request.status = 'timed_out';
      request.decidedAt = now;
      if (action === 'fail') {
        rt.hitl.changed(request);
        throw ApplicationFailure.create({
          type: ERROR_TYPES.approvalTimedOut,
          message: `step '${path}': no decision before the deadline (${describeApprovers(request.approvers)})`,
          nonRetryable: true,
        });
      }
      request.output = approvalOutput(
        request.votes,
        { by: 'timeout', approved: action === 'approve' },
        request.escalated,
      );
      rt.hitl.changed(request);
      break;
    }
    return request.output ?? null;
  } finally {
    settleRequest(rt, request);
    reminders.cancel();
    await reminding;
  }
}

/** Every `everyMs` while the request is open: one `notify.webhook` call (failures only logged). */
async function remind(
  rt: Runtime,
  request: HitlRequest,
  everyMs: number,
  webhook: Json | undefined,
  message: Json | undefined,
): Promise<void> {
  for (let n = 1; ; n++) {
    await sleep(everyMs);
    if (!isOpen(request)) return;
    if (webhook === undefined || webhook === null) {
      log.info('approval reminder (no reminder webhook configured)', {
        stepPath: request.stepPath,
        reminder: n,
      });
      continue;
    }
    const target: Record<string, Json> =
      typeof webhook === 'string' ? { url: webhook } : isPlainObject(webhook) ? { ...webhook } : {};
    const args: Record<string, Json> = { ...target, ...reminderPayload(rt, request, n, message) };
    try {
      await (notifyActivities[NOTIFY_WEBHOOK_ACTIVITY] as Notify)(args);
    } catch (err) {
      if (isCancellation(err)) throw err;
      log.warn('approval reminder failed (the approval goes on)', {
        stepPath: request.stepPath,
        reminder: n,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}

/** A Slack-compatible `{ text, blocks }` reminder. */
export function reminderPayload(
  rt: Pick<Runtime, 'run'>,
  request: HitlRequest,
  n: number,
  message: Json | undefined,
): { text: string; blocks: Json[] } {
  const counts = tally(request.votes, request.round);
  const what = typeof message === 'string' ? message : message !== undefined ? JSON.stringify(message) : '';
  const who = describeApprovers(request.approvers);
  const text =
    `Reminder ${n}: approval '${request.stepId}' of run ${rt.run.id} is waiting for ${who}` +
    ` (${counts.approvals}/${request.quorum} approvals)` +
    (request.deadline ? `, deadline ${request.deadline}` : '') +
    (what ? `: ${what}` : '');
  const blocks: Json[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Approval needed*: \`${request.stepId}\` in run \`${rt.run.id}\`${what ? `\n${what}` : ''}`,
      },
    },
    {
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `Approvers: ${who}` },
        { type: 'mrkdwn', text: `Approvals: ${counts.approvals}/${request.quorum}` },
        ...(request.deadline ? [{ type: 'mrkdwn', text: `Deadline: ${request.deadline}` }] : []),
        { type: 'mrkdwn', text: `Reminder #${n}` },
      ],
    },
  ];
  return { text, blocks };
}
