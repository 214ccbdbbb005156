#!/usr/bin/env node
// Interpreter benchmark (issue 3): Flowgate's generic interpreter vs hand-written Temporal
// workflows doing the same work, on the same dev server and worker, interleaved.
//
//   seq   a 20-step sequential pipeline vs a workflow calling the same 20 no-op activities
//         (wall-time ratio of medians over N interleaved runs; history events per run)
//   map   a 10,000-item map vs a hand-written chunked fan-out, interleaved pairs (ratio of median
//         wall times; largest history of any execution, continue-as-new runs included)
//
// Usage: npm run bench:interpreter [-- --runs 20] [-- --items 10000] [-- --map-runs 5] [-- --no-map]
// Results: printed and written to bench/results/interpreter.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, pct, temporalBinary } from './support.mjs';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { TestWorkflowEnvironment } = require('@temporalio/testing');
const { Worker, Runtime, DefaultLogger, bundleWorkflowCode } = require('@temporalio/worker');
const { loadPipeline } = require('@flowgate/dsl');
const { SEARCH_ATTRIBUTE_TYPES } = require('@flowgate/workflows');

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const RUNS = flag('--runs', 20);
const ITEMS = flag('--items', 10_000);
const MAP_RUNS = flag('--map-runs', 5);
const STEPS = 20;

function compile(yaml) {
  const result = loadPipeline(yaml, { catalog: new Map([['bench.noop', { name: 'bench.noop' }]]) });
  if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
  return result.plan;
}

const seqPlan = compile(`
apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: bench-seq, version: 1 }
spec:
  defaults:
    retry: { maxAttempts: 3, initialInterval: 1s, backoffCoefficient: 2, maxInterval: 1m }
    timeout: { startToClose: 30s }
  steps:
${Array.from({ length: STEPS }, (_, i) => `    - { id: s${i}, uses: bench.noop, with: { i: ${i} } }`).join('\n')}
`);

const mapPlan = compile(`
apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: bench-map, version: 1 }
spec:
  defaults:
    retry: { maxAttempts: 3, initialInterval: 1s, backoffCoefficient: 2, maxInterval: 1m }
    timeout: { startToClose: 30s }
  steps:
    - id: fan
      map:
        items: "\${ input.items }"
        concurrency: 100
        batchSize: 500
        steps: [ { id: work, uses: bench.noop, with: { i: "\${ item }" } } ]
  output: "\${ $count(steps.fan.output) }"
`);

const runMeta = (id) => ({
  id,
  tenant: 'bench',
  submittedBy: 'bench',
  submittedAt: new Date().toISOString(),
});

async function historyLength(client, workflowId, runId) {
  return Number((await client.workflow.getHandle(workflowId, runId).describe()).historyLength);
}

/** Largest history among a workflow and every execution whose id starts with `${id}/` (children, continue-as-new runs). */
async function largestHistory(client, id) {
  let largest = { id, events: 0 };
  let executions = 0;
  for await (const wf of client.workflow.list({
    query: `WorkflowId = '${id}' OR WorkflowId STARTS_WITH '${id}/'`,
  })) {
    executions++;
    const events = await historyLength(client, wf.workflowId, wf.runId);
    if (events > largest.events) largest = { id: wf.workflowId, events };
  }
  return { ...largest, executions };
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const env = await TestWorkflowEnvironment.createLocal({
  server: {
    executable: { type: 'existing-path', path: temporalBinary() },
    extraArgs: Object.entries(SEARCH_ATTRIBUTE_TYPES).flatMap(([n, t]) => [
      '--search-attribute',
      `${n}=${t}`,
    ]),
  },
});
const taskQueue = 'bench-interpreter';
const worker = await Worker.create({
  connection: env.nativeConnection,
  taskQueue,
  // As in production: a prebuilt bundle without source maps (the worker maps stack traces through a
  // source map for every promise the sandbox tracks when one is given).
  workflowBundle: {
    code: (
      await bundleWorkflowCode({
        workflowsPath: join(root, 'bench', 'interpreter', 'workflows.ts'),
        logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
      })
    ).code,
  },
  activities: { 'bench.noop': async (input) => input },
  // The projection sink is a no-op here: the benchmark measures the interpreter, not PostgreSQL.
  sinks: { projection: { run: { fn() {} }, step: { fn() {} } } },
  maxConcurrentActivityTaskExecutions: 200,
});
const client = env.client;
const result = { date: new Date().toISOString(), node: process.version, runs: RUNS, steps: STEPS };

await worker.runUntil(async () => {
  const timeIt = async (fn) => {
    const t = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const interp = async (id) =>
    client.workflow.execute('runPipeline', {
      taskQueue,
      workflowId: id,
      args: [{ plan: seqPlan, input: {}, run: runMeta(id) }],
    });
  const hand = async (id) =>
    client.workflow.execute('handwrittenSequential', { taskQueue, workflowId: id, args: [STEPS] });

  // Warm-up (bundle load, caches) is not measured.
  for (let i = 0; i < 3; i++) {
    await interp(`warm-i-${i}`);
    await hand(`warm-h-${i}`);
  }
  const ti = [];
  const th = [];
  for (let i = 0; i < RUNS; i++) {
    // Alternate which goes first so drift and caching favour neither.
    const order = i % 2 === 0 ? ['i', 'h'] : ['h', 'i'];
    for (const which of order) {
      if (which === 'i') ti.push(await timeIt(() => interp(`seq-i-${i}`)));
      else th.push(await timeIt(() => hand(`seq-h-${i}`)));
    }
  }
  const eventsI = await historyLength(client, 'seq-i-0');
  const eventsH = await historyLength(client, 'seq-h-0');
  result.seq = {
    interpreterMs: { median: median(ti), p90: pct(ti, 90) },
    handwrittenMs: { median: median(th), p90: pct(th, 90) },
    ratio: median(ti) / median(th),
    historyEvents: { interpreter: eventsI, handwritten: eventsH, extra: eventsI - eventsH },
  };
  process.stdout.write(
    `seq (${STEPS} steps, ${RUNS} interleaved runs): interpreter median ${median(ti).toFixed(1)} ms, ` +
      `hand-written ${median(th).toFixed(1)} ms, ratio ${result.seq.ratio.toFixed(3)}; ` +
      `history events ${eventsI} vs ${eventsH} (+${eventsI - eventsH})\n`,
  );

  if (!args.includes('--no-map')) {
    // Several interleaved pairs (order alternating): one pair is too noisy on a shared 2-core machine.
    const items = Array.from({ length: ITEMS }, (_, i) => i);
    const runMap = (id) =>
      client.workflow.execute('runPipeline', {
        taskQueue,
        workflowId: id,
        args: [{ plan: mapPlan, input: { items }, run: runMeta(id) }],
      });
    const runFanOut = (id) =>
      client.workflow.execute('handwrittenFanOut', {
        taskQueue,
        workflowId: id,
        args: [{ items: ITEMS, chunk: 500, concurrency: 100 }],
      });
    const mi = [];
    const mh = [];
    // CPU of this process (worker: workflow threads, activities, SDK core; plus the client): the
    // interpreter's own cost, which on 2 cores competes with the Temporal server for CPU.
    const ci = [];
    const ch = [];
    const cpuOf = async (fn, into) => {
      const before = process.cpuUsage();
      const ms = await timeIt(fn);
      const used = process.cpuUsage(before);
      into.push((used.user + used.system) / 1000);
      return ms;
    };
    for (let r = 0; r < MAP_RUNS; r++) {
      const order = r % 2 === 0 ? ['i', 'h'] : ['h', 'i'];
      for (const which of order) {
        if (which === 'i') mi.push(await cpuOf(() => runMap(`map-i-${r}`), ci));
        else mh.push(await cpuOf(() => runFanOut(`map-h-${r}`), ch));
      }
    }
    const li = await largestHistory(client, 'map-i-0');
    const lh = await largestHistory(client, 'map-h-0');
    const ratios = mi.map((t, r) => t / mh[r]);
    result.map = {
      items: ITEMS,
      runs: MAP_RUNS,
      interpreterMs: { median: median(mi), all: mi },
      handwrittenMs: { median: median(mh), all: mh },
      ratio: median(mi) / median(mh),
      pairRatios: ratios,
      workerCpuMs: { interpreter: median(ci), handwritten: median(ch), ratio: median(ci) / median(ch) },
      largestHistory: { interpreter: li, handwritten: lh },
    };
    process.stdout.write(
      `map (${ITEMS} items, ${MAP_RUNS} interleaved runs): interpreter median ${(median(mi) / 1000).toFixed(2)} s, ` +
        `hand-written ${(median(mh) / 1000).toFixed(2)} s, ratio ${result.map.ratio.toFixed(3)} ` +
        `(pairs: ${ratios.map((x) => x.toFixed(3)).join(', ')}); ` +
        `worker CPU median ${(median(ci) / 1000).toFixed(2)} s vs ${(median(ch) / 1000).toFixed(2)} s (ratio ${(median(ci) / median(ch)).toFixed(3)}); ` +
        `largest history ${li.events} events over ${li.executions} executions (hand-written ${lh.events} over ${lh.executions})\n`,
    );
  }
});
await env.teardown();
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'interpreter.json'), `${JSON.stringify(result, null, 2)}\n`);
