import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/client/command-kit';
import type { Io } from '../src/client/output';
import { approvalsListCommand, decideCommand } from '../src/commands/approvals.command';
import { pipelinesPushCommand } from '../src/commands/pipelines.command';
import { retryCommand } from '../src/commands/retry.command';
import { scheduleActionCommand, schedulesListCommand } from '../src/commands/schedules.command';

/** Commands against a fake gateway: the requests they send and what they print. */

const work = mkdtempSync(join(tmpdir(), 'fg-cli-commands-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Call {
  method: string;
  path: string;
  body?: unknown;
}

function gateway(answer: (call: Call) => { status: number; body?: unknown }) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const call: Call = { method: init.method ?? 'GET', path: `${url.pathname}${url.search}` };
    if (typeof init.body === 'string') {
      try {
        call.body = JSON.parse(init.body);
      } catch {
        call.body = init.body;
      }
    }
    calls.push(call);
    const { status, body } = answer(call);
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
    });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

function context(fetchImpl: typeof fetch, json = false) {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    color: false,
    columns: 120,
    out: (t: string) => void (io.stdout += t),
    err: (t: string) => void (io.stderr += t),
  } satisfies Io & { stdout: string; stderr: string };
  const ctx = createContext(
    { url: 'http://gw.test', apiKey: 'fgk_k_k', json },
    { io, env: {}, cwd: work, home: work, fetch: fetchImpl },
  );
  return { ctx, io };
}

describe('approvals', () => {
  it('lists pending approvals as a table', async () => {
    const gw = gateway(() => ({
      status: 200,
      body: {
        items: [
          {
            runId: 'triage-20261121-aaaaaaaa',
            stepId: 'review',
            path: 'review',
            pipeline: { name: 'triage', version: 3 },
            quorum: 2,
            votes: [{}],
            requestedAt: '2026-11-21T10:00:00Z',
            deadline: null,
          },
        ],
      },
    }));
    const { ctx, io } = context(gw.fetchImpl);
    expect(await approvalsListCommand(ctx, {})).toBe(0);
    expect(gw.calls).toEqual([{ method: 'GET', path: '/v1/approvals?status=pending' }]);
    expect(io.stdout).toMatch(/^RUN\s+STEP\s+PIPELINE\s+VOTES/);
    expect(io.stdout).toMatch(/triage-20261121-aaaaaaaa\s+review\s+triage@3\s+1\/2/);
  });

  it('approves and rejects through the resume endpoint', async () => {
    const gw = gateway(() => ({ status: 202, body: { runId: 'r1', accepted: true } }));
    const { ctx, io } = context(gw.fetchImpl);
    expect(await decideCommand(ctx, 'approve', 'r1', 'review', { comment: 'ok' })).toBe(0);
    expect(await decideCommand(ctx, 'reject', 'r1', 'review', {})).toBe(0);
    expect(gw.calls).toEqual([
      {
        method: 'POST',
        path: '/v1/runs/r1/resume',
        body: { stepId: 'review', decision: 'approve', comment: 'ok' },
      },
      {
        method: 'POST',
        path: '/v1/runs/r1/resume',
        body: { stepId: 'review', decision: 'reject', comment: '' },
      },
    ]);
    expect(io.stdout).toBe('approved review of r1\nrejected review of r1\n');
  });

  it('maps a refused vote to its exit code', async () => {
    const gw = gateway(() => ({
      status: 403,
      body: { title: 'Forbidden', code: 'forbidden', detail: 'not an approver' },
    }));
    const { ctx } = context(gw.fetchImpl);
    await expect(decideCommand(ctx, 'approve', 'r1', 'review', {})).rejects.toMatchObject({ exitCode: 4 });
  });
});

describe('schedules', () => {
  it('lists, pauses, resumes and triggers', async () => {
    const gw = gateway((call) =>
      call.method === 'GET'
        ? {
            status: 200,
            body: {
              items: [
                {
                  id: 'daily-report',
                  pipeline: { name: 'daily-report', version: 1 },
                  cron: '0 6 * * *',
                  timezone: 'UTC',
                  paused: false,
                },
              ],
            },
          }
        : { status: 200, body: { id: 'daily-report' } },
    );
    const { ctx, io } = context(gw.fetchImpl);
    expect(await schedulesListCommand(ctx)).toBe(0);
    expect(io.stdout).toMatch(/daily-report\s+daily-report@1\s+0 6 \* \* \*\s+UTC\s+active/);
    for (const verb of ['pause', 'resume', 'trigger'] as const) {
      expect(
        await scheduleActionCommand(ctx, verb, 'daily-report', verb === 'pause' ? { note: 'holiday' } : {}),
      ).toBe(0);
    }
    expect(gw.calls.slice(1)).toEqual([
      { method: 'POST', path: '/v1/schedules/daily-report/pause', body: { note: 'holiday' } },
      { method: 'POST', path: '/v1/schedules/daily-report/resume', body: {} },
      { method: 'POST', path: '/v1/schedules/daily-report/trigger', body: {} },
    ]);
  });

  it('says so when the gateway has no schedules endpoint yet', async () => {
    const gw = gateway(() => ({
      status: 404,
      body: { title: 'Not found', code: 'not_found', detail: 'Cannot GET /v1/schedules' },
    }));
    const { ctx } = context(gw.fetchImpl);
    await expect(schedulesListCommand(ctx)).rejects.toThrow(
      'this gateway does not offer GET /v1/schedules (is it an older version?)',
    );
  });
});

describe('retry', () => {
  it('resets from the failed step by default, and reruns with a merge patch of the input', async () => {
    const gw = gateway(() => ({
      status: 201,
      body: { id: 'new-run', status: 'running', pipeline: { name: 'p', version: 1 } },
    }));
    const { ctx, io } = context(gw.fetchImpl);
    expect(await retryCommand(ctx, 'old', {})).toBe(0);
    expect(
      await retryCommand(ctx, 'old', { rerun: true, inputPatch: '{"name":"Grace"}', reason: 'typo' }),
    ).toBe(0);
    expect(gw.calls.map((c) => c.body)).toEqual([
      { mode: 'reset' },
      { mode: 'rerun', inputPatch: { name: 'Grace' }, reason: 'typo' },
    ]);
    expect(io.stdout).toContain('rerun of old started as new-run');
  });

  it('refuses --input-patch without --rerun, or that is not an object (exit 2)', async () => {
    const gw = gateway(() => ({ status: 500 }));
    const { ctx } = context(gw.fetchImpl);
    await expect(retryCommand(ctx, 'old', { inputPatch: '{}' })).rejects.toMatchObject({ exitCode: 2 });
    await expect(retryCommand(ctx, 'old', { rerun: true, inputPatch: '[1]' })).rejects.toMatchObject({
      exitCode: 2,
    });
    expect(gw.calls).toEqual([]);
  });
});

describe('pipelines push', () => {
  it('retries files whose sub-pipelines were not registered yet, and reports each file', async () => {
    const parent = join(work, 'parent.yaml');
    const child = join(work, 'child.yaml');
    writeFileSync(parent, 'metadata: { name: parent }\n');
    writeFileSync(child, 'metadata: { name: child }\n');
    let childDone = false;
    const gw = gateway((call) => {
      const text = String(call.body);
      if (text.includes('child')) {
        childDone = true;
        return { status: 201, body: { name: 'child', version: 1, digest: 'd', created: true } };
      }
      return childDone
        ? { status: 200, body: { name: 'parent', version: 1, digest: 'd', created: false } }
        : {
            status: 400,
            body: {
              title: 'Invalid pipeline document',
              code: 'invalid_pipeline',
              errors: [
                {
                  code: 'unknown-pipeline',
                  message: "unknown pipeline 'child@1'",
                  path: 'spec.steps[0].pipeline',
                  line: 7,
                  column: 7,
                },
              ],
            },
          };
    });
    const { ctx, io } = context(gw.fetchImpl);
    expect(await pipelinesPushCommand(ctx, [parent, child])).toBe(0);
    expect(gw.calls.length).toBe(3);
    expect(io.stdout).toBe(`✔ ${parent} → parent@1 (unchanged)\n✔ ${child} → child@1 (registered)\n`);
  });

  it('prints every problem of a refused file with its position (exit 2)', async () => {
    const bad = join(work, 'bad.yaml');
    writeFileSync(bad, 'x: 1\n');
    const gw = gateway(() => ({
      status: 400,
      body: {
        title: 'Invalid pipeline document',
        code: 'invalid_pipeline',
        detail: 'the pipeline document has 1 problem',
        errors: [{ code: 'schema', message: 'must have apiVersion', path: '', line: 1, column: 1 }],
      },
    }));
    const { ctx, io } = context(gw.fetchImpl);
    expect(await pipelinesPushCommand(ctx, [bad])).toBe(2);
    expect(io.stdout).toBe(`✖ ${bad}\n`);
    expect(io.stderr).toContain(`${bad}:1:1 schema must have apiVersion`);
  });
});
