import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, startDevStack, type RunningStack } from '../support/dev-stack-process';
import {
  createLedgerTables,
  LEDGER_MODULE,
  ledgerPipeline,
  ledgerStats,
  registerPipeline,
  report,
  sleep,
  withClient,
} from '../support/reliability';

/**
 * Reliability suite, the part that fits CI time (docs/reliability.md): a worker killed with
 * SIGKILL mid-run among three (scenario 1), property-based fuzzing of pipeline documents and API
 * bodies (scenario 5), and abuse refused with documented codes (scenario 7). The slow scenarios
 * are test/reliability/*.chaos.test.ts (`npm run test:chaos`).
 */

/** Requests per minute of a key without its own limit (the flood test exhausts it). */
const RATE_LIMIT = 120;
/** Property runs per fuzzed endpoint: modest in CI, more under `npm run test:chaos`. */
const FUZZ_RUNS = Number(process.env.FLOWGATE_FUZZ_RUNS ?? 40);
/** Every request of the fuzzers must answer within this (a hang fails the property). */
const REQUEST_TIMEOUT_MS = 15_000;

interface Problem {
  status: number;
  code: string;
  errors?: { code?: string }[];
}

let stack: RunningStack;
let token: string; // an admin key with a high rate limit
let gatewayUrl: string;

type Call = (path: string, init?: RequestInit & { json?: unknown; key?: string }) => Promise<Response>;
const call: Call = (path, init = {}) => {
  const { json, key, ...rest } = init;
  return fetch(`${stack.info.restUrl}${path}`, {
    ...rest,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    headers: {
      authorization: `Bearer ${key ?? token}`,
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(rest.headers ?? {}),
    },
  });
};

async function createKey(body: Record<string, unknown>): Promise<string> {
  const res = await call('/api-keys', { method: 'POST', json: body, key: stack.info.apiKey });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

async function runStatus(id: string): Promise<{ status: string; steps?: { status: string }[] }> {
  return (await (await call(`/runs/${encodeURIComponent(id)}`)).json()) as {
    status: string;
    steps?: { status: string }[];
  };
}

async function waitForStatus(id: string, done: (s: string) => boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await runStatus(id);
    if (done(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status}`);
    await sleep(300);
  }
}

beforeAll(async () => {
  stack = await startDevStack({
    FLOWGATE_WORKERS: '3',
    FLOWGATE_ACTIVITY_MODULES: LEDGER_MODULE,
    FLOWGATE_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT),
  });
  gatewayUrl = stack.info.restUrl.replace(/\/v1$/, '');
  token = await createKey({ name: 'reliability', role: 'admin', rateLimitPerMinute: 1_000_000 });
  await createLedgerTables(stack.info.databaseUrl);
});

afterAll(async () => {
  if (stack && stack.process.exitCode === null) await stack.stop();
});

describe('scenario 1: kill -9 a worker mid-run among three', () => {
  it('completes a 100-step run with exactly 100 ledger rows', async () => {
    await registerPipeline(call, ledgerPipeline('ledger-hundred', 100, { holdMs: 150, startToClose: '3s' }));
    const workerPids = Object.entries(stack.info.pids)
      .filter(([name]) => name.startsWith('worker-'))
      .map(([, pid]) => pid);
    expect(workerPids).toHaveLength(3);

    const started = Date.now();
    const res = await call('/runs', { method: 'POST', json: { pipeline: 'ledger-hundred', input: {} } });
    expect(res.status, await res.clone().text()).toBe(201);
    const runId = ((await res.json()) as { id: string }).id;

    // At step 50, kill the worker that just wrote it: its step is still in flight (holdMs).
    const url = stack.info.databaseUrl;
    let victim = 0;
    let killedAt = 0;
    await withClient(url, async (c) => {
      const deadline = Date.now() + 90_000;
      while (!victim) {
        const { rows } = await c.query<{ n: string; pid: number }>(
          `SELECT count(*) OVER () AS n, pid FROM reliability_ledger WHERE run_id = $1
            ORDER BY created_at DESC LIMIT 1`,
          [runId],
        );
        if (rows[0] && Number(rows[0].n) >= 50) {
          victim = rows[0].pid;
          process.kill(victim, 'SIGKILL');
          killedAt = Date.now();
        } else if (Date.now() > deadline) throw new Error('the run never reached step 50');
        else await sleep(20);
      }
    });
    expect(workerPids).toContain(victim);
    const stepAtKill = (await ledgerStats(url, runId)).rows;

    // Time to recover: the first ledger write by another process after the kill.
    let recoveredMs = 0;
    await withClient(url, async (c) => {
      const deadline = Date.now() + 60_000;
      while (!recoveredMs) {
        const { rows } = await c.query<{ at: Date }>(
          `SELECT min(created_at) AS at FROM reliability_attempts
            WHERE run_id = $1 AND pid <> $2 AND created_at > to_timestamp($3 / 1000.0)`,
          [runId, victim, killedAt],
        );
        if (rows[0]?.at) recoveredMs = rows[0].at.getTime() - killedAt;
        else if (Date.now() > deadline) throw new Error('no progress after the kill');
        else await sleep(100);
      }
    });

    const run = await waitForStatus(runId, (s) => s !== 'running', 180_000);
    const totalMs = Date.now() - started;
    expect(run.status).toBe('succeeded');
    const stats = await ledgerStats(url, runId);
    expect(stats.rows).toBe(100);
    expect(stats.keys).toBe(100);
    // The killed worker's in-flight step ran again elsewhere; its write was not duplicated.
    expect(stats.attempts).toBeGreaterThanOrEqual(100);
    // The projection holds all 100 steps, each ended.
    expect(run.steps).toHaveLength(100);
    expect(run.steps!.every((s) => s.status === 'succeeded')).toBe(true);
    expect(alive(victim)).toBe(false);
    // The dev stack restarted the killed worker.
    await sleep(1_500);
    const restarted = stack.output.filter((l) => l.startsWith('FLOWGATE_RESTARTED ') && l.includes('worker'));
    expect(restarted.length).toBeGreaterThanOrEqual(1);
    report('kill-9-worker', {
      runs: 1,
      steps: 100,
      ledgerRows: stats.rows,
      attempts: stats.attempts,
      retriesObserved: stats.retries,
      writerProcesses: stats.pids,
      killedAtStep: stepAtKill,
      recoverMs: recoveredMs,
      runMs: totalMs,
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Scenario 5: fuzzing. Every answer must be a success or a documented 4xx problem+json with a
// code (GraphQL: errors with extensions.code, never `internal`); never a 5xx, a crash or a hang.
// ---------------------------------------------------------------------------------------------

const statusCounts: Record<string, Record<number, number>> = {};

async function expectHandled(what: string, res: Response): Promise<void> {
  (statusCounts[what] ??= {})[res.status] = (statusCounts[what][res.status] ?? 0) + 1;
  const text = await res.text();
  if (res.status >= 500) throw new Error(`${what}: ${res.status} ${text.slice(0, 500)}`);
  if (res.status >= 400) {
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('application/problem+json'))
      throw new Error(`${what}: ${res.status} without problem+json (${type}): ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as Problem;
    if (typeof body.code !== 'string' || !/^[a-z_]+$/.test(body.code) || body.code === 'internal')
      throw new Error(`${what}: ${res.status} with code ${String(body.code)}: ${text.slice(0, 300)}`);
  }
}

const ident = fc.constantFrom('a', 'b', 'fetch', 'step_1', 'x', '_', '1bad', 'a-b', '', 'é');
const activityName = fc.constantFrom(
  'core.echo',
  'text.transform',
  'http.request',
  'reliability.ledger-write',
  'http.requst',
  'nope',
  '',
);
const expression = fc.oneof(
  fc.constantFrom(
    '${ input.name }',
    '${ steps.a.output }',
    '${ $count(input.items) }',
    '${ [1..3] }',
    '${ ',
    '${ } }',
    '$${ literal }',
    '${ steps.missing.output.x }',
    "${ 'a' & }",
    '${ $sum(',
  ),
  fc.string({ maxLength: 20 }).map((s) => `\${ ${s} }`),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const duration = fc.oneof(
  fc.constantFrom('1s', '500ms', '1h30m', '0', '-1s', 'forever', '1.5s', '99999999d'),
  fc.integer(),
);
const retry = fc.record(
  {
    maxAttempts: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.string({ maxLength: 3 })),
    initialInterval: duration,
    backoffCoefficient: fc.oneof(fc.double({ min: -1, max: 5, noNaN: true }), fc.constant('2')),
    maxInterval: duration,
    nonRetryable: fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

/** Pipeline-shaped documents: mostly well-formed skeletons with wrong, missing or odd parts. */
const { stepList } = fc.letrec<{ step: unknown; stepList: unknown[] }>((tie) => ({
  step: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record(
      {
        id: ident,
        uses: activityName,
        with: fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(scalar, expression), { maxKeys: 3 }),
        retry,
        timeout: fc.record(
          { startToClose: duration, heartbeat: duration, scheduleToClose: duration },
          { requiredKeys: [] },
        ),
        needs: fc.array(ident, { maxLength: 2 }),
        when: expression,
        onError: fc.constantFrom('fail', 'continue', 'compensate', 'explode'),
      },
      { requiredKeys: ['id', 'uses'] },
    ),
    fc.record({ id: ident, set: fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(scalar, expression)) }),
    fc.record({ id: ident, fail: fc.record({ message: fc.oneof(fc.string(), expression) }) }),
    fc.record({
      id: ident,
      wait: fc.oneof(fc.record({ duration }), fc.record({ until: fc.oneof(expression, fc.string()) })),
    }),
    fc.record({
      id: ident,
      map: fc.record(
        {
          items: fc.oneof(expression, fc.array(scalar, { maxLength: 4 })),
          concurrency: fc.integer({ min: -1, max: 1000 }),
          batchSize: fc.integer({ min: -1, max: 1000 }),
          steps: tie('stepList'),
          aggregate: fc.oneof(
            fc.constantFrom('collect', 'vote', 'nope'),
            fc.record({ maxBy: expression }),
            fc.record({ reduce: expression, initial: scalar }),
          ),
        },
        { requiredKeys: ['items', 'steps'] },
      ),
    }),
    fc.record({
      id: ident,
      parallel: fc.record(
        {
          branches: fc.array(tie('stepList'), { maxLength: 3 }),
          merge: fc.constantFrom('deep', 'shallow', 'append', 'collect', 'first', 'bogus'),
          join: fc.oneof(fc.constantFrom('all', 'any', 'first'), fc.record({ atLeast: fc.integer() })),
        },
        { requiredKeys: ['branches'] },
      ),
    }),
    fc.record({
      id: ident,
      switch: fc.record({
        cases: fc.array(fc.record({ when: expression, steps: tie('stepList') }), { maxLength: 2 }),
      }),
    }),
    fc.record({
      id: ident,
      loop: fc.record(
        {
          while: expression,
          until: expression,
          maxIterations: fc.integer({ min: -1, max: 1000 }),
          steps: tie('stepList'),
        },
        { requiredKeys: ['steps'] },
      ),
    }),
    fc.record({
      id: ident,
      approval: fc.record(
        {
          approvers: fc.record({ roles: fc.array(ident, { maxLength: 2 }), users: fc.array(ident) }),
          quorum: fc.integer({ min: -1, max: 5 }),
          timeout: duration,
          onTimeout: fc.constantFrom('approve', 'reject', 'fail', 'escalate', 'x'),
        },
        { requiredKeys: ['approvers'] },
      ),
    }),
    fc.record({
      id: ident,
      input: fc.record({ schema: fc.oneof(fc.jsonValue(), fc.constant({ type: 'bogus' })) }),
    }),
    fc.record({ id: ident, pipeline: fc.record({ name: ident, version: fc.integer() }) }),
    fc.jsonValue({ maxDepth: 2 }),
  ),
  stepList: fc.array(tie('step'), { maxLength: 3 }),
}));

const pipelineDoc = fc.record(
  {
    apiVersion: fc.constantFrom('flowgate/v1', 'flowgate/v2', 1),
    kind: fc.constantFrom('Pipeline', 'Policy'),
    metadata: fc.record(
      {
        name: fc.oneof(
          fc.constantFrom('fuzz-a', 'fuzz-b', 'Fuzz', '-x', 'a'.repeat(70)),
          fc.string({ maxLength: 10 }),
        ),
        version: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant('1')),
        tags: fc.array(fc.string({ maxLength: 5 }), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
    spec: fc.record(
      {
        input: fc.oneof(fc.constant({ type: 'object' }), fc.jsonValue({ maxDepth: 2 })),
        defaults: fc.record({ retry }, { requiredKeys: [] }),
        steps: stepList,
        output: expression,
        schedule: fc.record({ cron: fc.constantFrom('* * * * *', 'nope', '@every 15m', '61 * * * *') }),
      },
      { requiredKeys: ['steps'] },
    ),
  },
  { requiredKeys: ['apiVersion', 'kind', 'metadata', 'spec'] },
);

/** A valid document touching several step kinds (runs in well under a second). */
const BASE_DOC = {
  apiVersion: 'flowgate/v1',
  kind: 'Pipeline',
  metadata: { name: 'fuzz-base', version: 1 },
  spec: {
    input: { type: 'object', properties: { name: { type: 'string' } } },
    steps: [
      { id: 'greet', uses: 'core.echo', with: { message: 'Hello, ${ input.name }!' } },
      {
        id: 'each',
        map: {
          items: '${ [1, 2, 3] }',
          concurrency: 2,
          steps: [{ id: 'sq', set: { v: '${ item * item }' } }],
          aggregate: { reduce: '${ acc + output.v }', initial: 0 },
        },
      },
      {
        id: 'route',
        switch: {
          cases: [{ when: '${ steps.each.output > 3 }', steps: [{ id: 'big', set: { x: 1 } }] }],
          default: [{ id: 'small', set: { x: 0 } }],
        },
      },
      { id: 'pause', wait: { duration: '10ms' } },
    ],
    output: '${ steps.each.output }',
  },
};

type Json = unknown;
function jsonPaths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...jsonPaths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...jsonPaths(v, [...prefix, k]));
  return out;
}

/** The valid base document with 1-3 random edits (replace, delete, duplicate) at random places. */
const mutatedDoc = fc
  .array(
    fc.tuple(
      fc.nat(),
      fc.constantFrom('replace', 'delete', 'duplicate'),
      fc.oneof(scalar, expression, fc.jsonValue({ maxDepth: 1 })),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((edits) => {
    const doc = structuredClone(BASE_DOC) as Record<string, Json>;
    for (const [at, op, value] of edits) {
      const all = jsonPaths(doc);
      const path = all[at % all.length]!;
      const parent = path
        .slice(0, -1)
        .reduce<Json>((o, k) => (o as Record<string | number, Json>)[k], doc) as
        Record<string, Json> | Json[];
      const key = path[path.length - 1]!;
      if (op === 'replace') (parent as Record<string | number, Json>)[key] = value;
      else if (Array.isArray(parent) && op === 'delete') parent.splice(Number(key), 1);
      else if (Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
      else delete (parent as Record<string, Json>)[key as string];
    }
    return doc;
  });

/** YAML-ish text: fragments of real documents, broken indentation, anchors, tags, garbage. */
const yamlText = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'apiVersion: flowgate/v1',
        'kind: Pipeline',
        'metadata: { name: fuzz-y, version: 1 }',
        'spec:',
        '  steps:',
        '    - id: a',
        '      uses: core.echo',
        '      with: { message: "${ input.x }" }',
        '  - broken',
        '&a [*a]',
        '*undefined',
        '!!binary xyz',
        '? complex key',
        '---',
        '{{{',
        'key: [unclosed',
        '\t\ttabs: here',
        'a: &x {b: *x}',
      ),
      fc.string({ maxLength: 30 }),
    ),
    { maxLength: 12 },
  )
  .map((lines) => lines.join('\n'));

describe('scenario 5: property-based fuzzing', () => {
  const opts = { numRuns: FUZZ_RUNS, endOnFailure: true } as const;

  it('pipeline documents: validate and register answer only success or a coded 4xx', async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mutatedDoc, pipelineDoc, fc.jsonValue()),
        fc.boolean(),
        async (doc, register) => {
          const path = register ? '/pipelines' : '/pipelines/validate';
          await expectHandled(`POST ${path} (json)`, await call(path, { method: 'POST', json: doc }));
        },
      ),
      opts,
    );
    await fc.assert(
      fc.asyncProperty(yamlText, async (text) => {
        await expectHandled(
          'POST /pipelines/validate (yaml)',
          await call('/pipelines/validate', {
            method: 'POST',
            body: text,
            headers: { 'content-type': 'application/yaml' },
          }),
        );
      }),
      opts,
    );
    report('fuzz-pipelines', { numRuns: FUZZ_RUNS * 2, ms: Date.now() - started });
  });

  it('run bodies, resume bodies and GraphQL answer only success or a coded error', async () => {
    const started = Date.now();
    // A waiting run to resume: one approval (quorum 2, so one voter never ends it) and one input step.
    await registerPipeline(call, {
      apiVersion: 'flowgate/v1',
      kind: 'Pipeline',
      metadata: { name: 'fuzz-hitl', version: 1 },
      spec: {
        input: { type: 'object', properties: { n: { type: 'integer' } } },
        steps: [
          { id: 'review', approval: { approvers: { roles: ['admin'] }, quorum: 2, rejectOnFirst: false } },
          {
            id: 'form',
            needs: [],
            input: {
              schema: { type: 'object', required: ['n'], properties: { n: { type: 'integer', minimum: 0 } } },
            },
          },
        ],
      },
    });
    const res = await call('/runs', { method: 'POST', json: { pipeline: 'fuzz-hitl', input: {} } });
    expect(res.status).toBe(201);
    const waitingId = ((await res.json()) as { id: string }).id;
    await waitForStatus(waitingId, (s) => s === 'waiting', 60_000);

    const runBody = fc.oneof(
      // Mostly-valid inline documents with valid input: these reach admission and start runs.
      fc.record({ pipeline: mutatedDoc, input: fc.record({ name: fc.string({ maxLength: 10 }) }) }),
      fc.record(
        {
          pipeline: fc.oneof(
            fc.constantFrom('hello', 'hello@1', 'hello@99', 'fuzz-hitl', 'nope', '', '@', 'hello@x'),
            fc.string({ maxLength: 30 }),
            mutatedDoc,
            mutatedDoc,
            pipelineDoc,
            fc.jsonValue({ maxDepth: 2 }),
          ),
          input: fc.oneof(
            fc.record({ name: fc.oneof(fc.string({ maxLength: 10 }), fc.integer()) }),
            fc.jsonValue(),
          ),
          extra: fc.jsonValue({ maxDepth: 1 }),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(runBody, fc.option(fc.string({ maxLength: 210 })), async (body, idem) => {
        const headers: Record<string, string> = idem !== null ? { 'idempotency-key': idem } : {};
        let r: Response;
        try {
          r = await call('/runs', { method: 'POST', json: body, headers });
        } catch (err) {
          // A header value fetch itself refuses (control characters) never reaches the gateway.
          if (err instanceof TypeError && /header/i.test(String(err.message))) return;
          throw err;
        }
        await expectHandled('POST /runs', r);
      }),
      opts,
    );

    const resumeBody = fc.oneof(
      fc.record(
        {
          stepId: fc.oneof(
            fc.constantFrom('review', 'form', 'nope', 'm[3]/review', ''),
            fc.string({ maxLength: 20 }),
          ),
          decision: fc.oneof(fc.constantFrom('approve', 'reject'), fc.string({ maxLength: 8 })),
          data: fc.oneof(
            fc.record({ n: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.string()) }),
            fc.jsonValue(),
          ),
          comment: fc.oneof(fc.string({ maxLength: 40 }), fc.integer()),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    );
    const runId = fc.oneof(
      fc.constant(waitingId),
      fc.constantFrom('nope', 'hello-20260101-aaaaaaaa', `${waitingId}/child`, '..', '%00'),
      fc.string({ minLength: 1, maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(runId, resumeBody, async (id, body) => {
        await expectHandled(
          'POST /runs/:id/resume',
          await call(`/runs/${encodeURIComponent(id)}/resume`, { method: 'POST', json: body }),
        );
      }),
      opts,
    );

    const fieldNames = fc.constantFrom(
      'run(id: "nope")',
      `run(id: "${waitingId}")`,
      'runs',
      'runs(first: 5)',
      'runs(first: -1)',
      'runs(first: 100000)',
      'runs(after: "garbage")',
      'runs(filter: { status: ["nope"] })',
      'pipelines',
      'pendingApprovals',
      'pendingApprovals(status: "x")',
      'id',
      'status',
      'input',
      'output',
      'steps',
      'steps(flat: true)',
      'children',
      'attempts',
      'edges',
      'node',
      'pageInfo',
      'childRuns',
      'parentRun',
      'approvals',
      '__typename',
      '__schema',
      'types',
      'name',
      'bogus',
    );
    const { selection } = fc.letrec<{ selection: string }>((tie) => ({
      selection: fc
        .array(
          fc.oneof(
            { depthSize: 'small' },
            fieldNames,
            fc.tuple(fieldNames, tie('selection')).map(([f, s]) => `${f} { ${s} }`),
          ),
          { minLength: 1, maxLength: 3 },
        )
        .map((parts) => parts.join(' ')),
    }));
    const gqlLiteral = fc.jsonValue({ maxDepth: 2 }).map((v) =>
      // JSON is almost GraphQL literal syntax: drop the quotes around object keys.
      JSON.stringify(v).replace(/"([A-Za-z_][A-Za-z0-9_]*)":/g, '$1:'),
    );
    const mutation = fc.oneof(
      gqlLiteral.map((v) => `mutation { startRun(input: { pipeline: "hello", input: ${v} }) { id status } }`),
      gqlLiteral.map((v) => `mutation { startRun(input: { document: ${v} }) { id } }`),
      fc
        .tuple(fc.constantFrom(waitingId, 'nope'), fc.constantFrom('review', 'form', 'x'), gqlLiteral)
        .map(
          ([id, step, v]) =>
            `mutation { decide(input: { runId: "${id}", stepId: "${step}", data: ${v} }) { status duplicate } }`,
        ),
      fc
        .tuple(fc.constantFrom(waitingId, 'nope'), fc.constantFrom('approve', 'reject', 'maybe'))
        .map(
          ([id, d]) =>
            `mutation { resume(input: { runId: "${id}", stepId: "review", decision: "${d}" }) { runId } }`,
        ),
      fc.constant('mutation { cancelRun(id: "nope") { id } }'),
    );
    const gqlBody = fc.oneof(
      selection.map((s) => ({ query: `{ ${s} }` })),
      fc.tuple(selection, fc.jsonValue({ maxDepth: 2 })).map(([s, v]) => ({
        query: `query ($id: ID!, $n: Int) { run(id: $id) { ${s} } runs(first: $n) { edges { cursor } } }`,
        variables: { id: v, n: v },
      })),
      mutation.map((query) => ({ query })),
      fc.string({ maxLength: 60 }).map((query) => ({ query })),
      fc.jsonValue(),
    );
    const graphqlCodes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(gqlBody, async (body) => {
        const r = await fetch(stack.info.graphqlUrl, {
          method: 'POST',
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        });
        (statusCounts.graphql ??= {})[r.status] = (statusCounts.graphql[r.status] ?? 0) + 1;
        const text = await r.text();
        if (r.status >= 500) throw new Error(`graphql: ${r.status} ${text.slice(0, 500)}`);
        const json = JSON.parse(text) as { errors?: { extensions?: { code?: unknown } }[]; code?: string };
        if (r.status >= 400 && !json.errors) {
          // Refused by the HTTP layer: problem+json.
          if (typeof json.code !== 'string') throw new Error(`graphql: ${r.status} without a code: ${text}`);
          graphqlCodes.add(json.code);
          return;
        }
        for (const e of json.errors ?? []) {
          const code = e.extensions?.code;
          if (typeof code !== 'string' || code === 'internal' || code === 'INTERNAL_SERVER_ERROR')
            throw new Error(`graphql: error without a documented code: ${text.slice(0, 500)}`);
          graphqlCodes.add(code);
        }
      }),
      opts,
    );

    // Nothing crashed: the gateway is the same process, and healthy.
    expect(stack.output.some((l) => l.startsWith('FLOWGATE_RESTARTED ') && l.includes('gateway'))).toBe(
      false,
    );
    expect(alive(stack.info.pids.gateway!)).toBe(true);
    expect((await fetch(`${gatewayUrl}/healthz`)).status).toBe(200);
    report('fuzz-api', {
      numRuns: FUZZ_RUNS * 3,
      ms: Date.now() - started,
      statuses: statusCounts,
      graphqlCodes: [...graphqlCodes].sort(),
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Scenario 7: abuse, each refused with its documented code.
// ---------------------------------------------------------------------------------------------

describe('scenario 7: abuse is refused with documented codes', () => {
  async function problem(res: Response): Promise<Problem> {
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    return (await res.json()) as Problem;
  }

  it('oversized documents and bodies: 413 payload_too_large', async () => {
    const big = 'x'.repeat(1_100_000);
    const yaml = `apiVersion: flowgate/v1\nkind: Pipeline\nmetadata: { name: big, version: 1 }\n# ${big}\nspec: { steps: [] }\n`;
    for (const [path, init] of [
      ['/pipelines', { method: 'POST', body: yaml, headers: { 'content-type': 'application/yaml' } }],
      [
        '/pipelines/validate',
        { method: 'POST', body: yaml, headers: { 'content-type': 'application/yaml' } },
      ],
      ['/runs', { method: 'POST', json: { pipeline: 'hello', input: { name: big } } }],
    ] as const) {
      const res = await call(path, init);
      expect(res.status, path).toBe(413);
      expect((await problem(res)).code).toBe('payload_too_large');
    }
    const gql = await fetch(stack.info.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ pipelines { name } }`, variables: { pad: big } }),
    });
    // GraphQL keeps its response shape: HTTP 413 with the code in extensions.
    expect(gql.status).toBe(413);
    const gqlBody = (await gql.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(gqlBody.errors?.[0]?.extensions?.code).toBe('payload_too_large');
    // Nested past the parser's depth limit (within the size limit): invalid_pipeline / too-deep.
    const deep = `apiVersion: flowgate/v1\nkind: Pipeline\nmetadata: { name: deep, version: 1 }\nspec:\n  input: ${'['.repeat(200)}${']'.repeat(200)}\n  steps: [{ id: a, uses: core.echo }]\n`;
    const deepRes = await call('/pipelines/validate', {
      method: 'POST',
      body: deep,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(deepRes.status).toBe(400);
    const deepProblem = await problem(deepRes);
    expect(deepProblem.code).toBe('invalid_pipeline');
    expect(deepProblem.errors?.map((e) => e.code)).toContain('too-deep');
  });

  it('maps above the configured cap: 403 policy_denied; invalid map settings: 400 invalid_pipeline', async () => {
    const policy = await call('/policies', {
      method: 'POST',
      json: {
        apiVersion: 'flowgate/v1',
        kind: 'Policy',
        metadata: { name: 'abuse-map-cap' },
        spec: {
          scope: { pipelines: ['abuse-*'] },
          rules: [{ id: 'maps', type: 'map', maxItems: 50, maxConcurrency: 20 }],
        },
      },
    });
    expect(policy.status, await policy.clone().text()).toBe(201);
    const mapDoc = (concurrency: number) => ({
      apiVersion: 'flowgate/v1',
      kind: 'Pipeline',
      metadata: { name: `abuse-map-${concurrency}`, version: 1 },
      spec: {
        input: { type: 'object', properties: { items: { type: 'array' } } },
        steps: [
          {
            id: 'each',
            map: {
              items: '${ input.items }',
              concurrency,
              steps: [{ id: 'echo', uses: 'core.echo', with: { v: '${ item }' } }],
            },
          },
        ],
      },
    });
    // Too many items (computed from the input at admission).
    const tooMany = await call('/runs', {
      method: 'POST',
      json: { pipeline: mapDoc(5), input: { items: Array.from({ length: 200 }, (_, i) => i) } },
    });
    expect(tooMany.status, await tooMany.clone().text()).toBe(403);
    expect((await problem(tooMany)).code).toBe('policy_denied');
    // Too much concurrency.
    const tooWide = await call('/runs', {
      method: 'POST',
      json: { pipeline: mapDoc(500), input: { items: [1] } },
    });
    expect(tooWide.status).toBe(403);
    expect((await problem(tooWide)).code).toBe('policy_denied');
    // Within the cap: admitted.
    const ok = await call('/runs', {
      method: 'POST',
      json: { pipeline: mapDoc(5), input: { items: [1, 2, 3] } },
    });
    expect(ok.status, await ok.clone().text()).toBe(201);
    // Invalid map settings never reach admission.
    const invalid = await call('/pipelines/validate', { method: 'POST', json: mapDoc(0) });
    expect(invalid.status).toBe(400);
    expect((await problem(invalid)).code).toBe('invalid_pipeline');
  });

  it('over-deep and over-complex GraphQL: query_too_deep, query_too_complex', async () => {
    const gql = async (query: string) => {
      const res = await fetch(stack.info.graphqlUrl, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query }),
      });
      expect(res.status).toBeLessThan(500);
      return (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    };
    const deep = await gql(
      `{ run(id: "x") { steps { ${'children { '.repeat(30)}path${' }'.repeat(30)} } } }`,
    );
    expect(deep.errors?.[0]?.extensions?.code).toBe('query_too_deep');
    expect(deep.data ?? null).toBeNull();
    const wide = Array.from(
      { length: 5 },
      (_, i) => `r${i}: runs(first: 100) { edges { node { id status } } }`,
    );
    const complex = await gql(`{ ${wide.join(' ')} }`);
    expect(complex.errors?.[0]?.extensions?.code).toBe('query_too_complex');
  });

  it(`floods: 429 rate_limited past FLOWGATE_RATE_LIMIT_PER_MINUTE (${RATE_LIMIT})`, async () => {
    const flooder = await createKey({ name: 'flooder', role: 'viewer' }); // no own limit: the default
    const started = Date.now();
    const responses = await Promise.all(
      Array.from({ length: RATE_LIMIT + 40 }, () => call('/pipelines', { key: flooder })),
    );
    const statuses = responses.map((r) => r.status);
    const ok = statuses.filter((s) => s === 200).length;
    const limited = responses.filter((r) => r.status === 429);
    expect(ok).toBe(RATE_LIMIT);
    expect(limited).toHaveLength(40);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await problem(limited[0]!)).code).toBe('rate_limited');
    await Promise.all(responses.slice(1).map((r) => r.arrayBuffer().catch(() => undefined)));
    // GraphQL counts against the same key; each root field is refused with the code in extensions.
    const gql = await fetch(stack.info.graphqlUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${flooder}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ pipelines { name } }' }),
    });
    expect(Number(gql.headers.get('retry-after'))).toBeGreaterThan(0);
    const gqlBody = (await gql.json()) as { data: unknown; errors?: { extensions?: { code?: string } }[] };
    expect(gqlBody.data).toBeNull();
    expect(gqlBody.errors?.[0]?.extensions?.code).toBe('rate_limited');
    // Other keys are unaffected.
    expect((await call('/pipelines')).status).toBe(200);
    report('abuse-flood', {
      requests: statuses.length,
      ok,
      limited: limited.length,
      ms: Date.now() - started,
    });
  });
});
