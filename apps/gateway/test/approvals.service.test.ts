import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { ApprovalsRepository, RunsRepository } from '@flowgate/store';
import { DECIDE_UPDATE, DECISION_ERRORS } from '@flowgate/workflows';
import { ApprovalsService } from '../src/approvals/approvals.service';
import { decideBodySchema } from '../src/approvals/dto/approvals.dto';
import type { Principal } from '../src/auth/principal';
import { DomainError } from '../src/common/errors/domain.error';
import { ErrorCode, HTTP_STATUS_OF } from '../src/common/errors/error-codes';

const principal: Principal = { keyId: 'k', name: 'ana', tenant: 't', role: 'approver' };

function service(opts: { status?: string; update: (name: string, args: unknown) => Promise<unknown> }) {
  const calls: unknown[] = [];
  const client = {
    workflow: {
      getHandle: (id: string) => ({
        executeUpdate: (name: string, o: { args: unknown[] }) => {
          calls.push({ id, name, payload: o.args[0] });
          return opts.update(name, o.args[0]);
        },
      }),
    },
  } as unknown as Client;
  const runs = {
    get: async (_t: string, id: string) =>
      id === 'missing' ? undefined : { id, status: opts.status ?? 'waiting' },
  } as unknown as RunsRepository;
  const approvals = {
    groupsOfKey: async () => ['support-lead'],
    listByRun: async () => [],
  } as unknown as ApprovalsRepository;
  return { svc: new ApprovalsService(client, approvals, runs), calls };
}

const refuse =
  (type: string, details: unknown[] = []) =>
  () =>
    Promise.reject(
      new WorkflowUpdateFailedError(
        'Workflow Update failed',
        ApplicationFailure.create({ type, message: `refused: ${type}`, details }),
      ),
    );

async function statusOf(p: Promise<unknown>): Promise<{ status: number; err: DomainError }> {
  const err = (await p.then(
    () => undefined,
    (e: unknown) => e,
  )) as DomainError;
  expect(err).toBeInstanceOf(DomainError);
  return { status: HTTP_STATUS_OF[err.code], err };
}

const body = (b: unknown) => decideBodySchema.parse(b);

describe('ApprovalsService.decide', () => {
  it('sends the update with the caller as actor (key name; role + groups as roles)', async () => {
    const { svc, calls } = service({ update: async () => ({ status: 'pending', duplicate: false }) });
    await svc.decide(principal, 'run-1', body({ stepId: 'review', decision: 'approve', comment: 'ok' }));
    expect(calls).toEqual([
      {
        id: 'run-1',
        name: DECIDE_UPDATE,
        payload: {
          stepId: 'review',
          decision: 'approve',
          comment: 'ok',
          actor: { id: 'ana', roles: ['approver', 'support-lead'] },
        },
      },
    ]);
  });

  it('maps refusals: 403 not an approver, 404 unknown step or run, 409 closed or ended, 400 schema errors', async () => {
    expect(
      (
        await statusOf(
          service({ update: refuse(DECISION_ERRORS.notApprover) }).svc.decide(
            principal,
            'r',
            body({ stepId: 's', decision: 'approve' }),
          ),
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await statusOf(
          service({ update: refuse(DECISION_ERRORS.unknownStep) }).svc.decide(
            principal,
            'r',
            body({ stepId: 's', decision: 'approve' }),
          ),
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await statusOf(
          service({ update: refuse(DECISION_ERRORS.closed) }).svc.decide(
            principal,
            'r',
            body({ stepId: 's', decision: 'approve' }),
          ),
        )
      ).status,
    ).toBe(409);
    expect(
      (
        await statusOf(
          service({ update: refuse('x') }).svc.decide(
            principal,
            'missing',
            body({ stepId: 's', decision: 'approve' }),
          ),
        )
      ).status,
    ).toBe(404);
    const ended = await statusOf(
      service({ status: 'succeeded', update: refuse('x') }).svc.decide(
        principal,
        'r',
        body({ stepId: 's', decision: 'approve' }),
      ),
    );
    expect([ended.status, ended.err.code]).toEqual([409, ErrorCode.InvalidRunState]);

    const invalid = await statusOf(
      service({
        update: refuse(DECISION_ERRORS.invalidData, [
          { errors: [{ path: 'data.city', message: 'is required', keyword: 'required' }] },
        ]),
      }).svc.decide(principal, 'r', body({ stepId: 'address', data: {} })),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.err.errors).toEqual([{ code: 'required', path: 'data.city', message: 'is required' }]);
  });

  it('refuses a body with neither decision nor data, or both', () => {
    expect(decideBodySchema.safeParse({ stepId: 's' }).success).toBe(false);
    expect(decideBodySchema.safeParse({ stepId: 's', decision: 'approve', data: 1 }).success).toBe(false);
  });
});
