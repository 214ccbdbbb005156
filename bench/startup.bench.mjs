#!/usr/bin/env node
// Startup benchmark: time from `npm start` to a healthy stack (gateway /readyz answers 200 and the
// example pipelines are registered), measured as whole processes.
//
//   warm   dependencies installed and built (the everyday case), several runs, median reported
//   fresh  a fresh `git clone` of this repository (npm ci, Temporal CLI install, build included)
//
// Usage: npm run bench:startup [-- --runs 5] [-- --no-fresh]
// Results: printed, and written to bench/results/startup.json.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 5) || 5;
const withFresh = !args.includes('--no-fresh');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs `npm start` in `cwd` and resolves with the seconds until FLOWGATE_READY, then stops it. */
async function timeStart(cwd, home) {
  const env = {
    ...process.env,
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    FLOWGATE_PG_PORT: String(await freePort()),
    FLOWGATE_HOME: home,
    LOG_LEVEL: 'warn',
  };
  const started = process.hrtime.bigint();
  const child = spawn('npm', ['start', '--silent'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const seconds = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready after 15 min:\n${output.slice(-3000)}`)),
      15 * 60_000,
    );
    const onData = (chunk) => {
      output += chunk;
      if (output.includes('FLOWGATE_READY ')) {
        clearTimeout(timer);
        resolve(Number(process.hrtime.bigint() - started) / 1e9);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output.slice(-3000)}`)));
  });
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
  return seconds;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const scratch = mkdtempSync(join(tmpdir(), 'flowgate-bench-'));
// Embedded PostgreSQL runs as a `postgres` user under root: it must be able to traverse this directory.
chmodSync(scratch, 0o755);
const result = { date: new Date().toISOString(), node: process.version, warm: [], fresh: null };
try {
  // Make sure the current checkout is installed and built, so warm runs measure start-up only.
  spawnSync('node', ['scripts/flowgate-stack.mjs', 'setup'], { cwd: root, stdio: 'ignore' });
  for (let i = 0; i < runs; i++) {
    const home = join(scratch, `warm-${i}`);
    mkdirSync(home, { recursive: true });
    const s = await timeStart(root, home);
    result.warm.push(Number(s.toFixed(2)));
    process.stdout.write(`warm run ${i + 1}/${runs}: ${s.toFixed(2)} s\n`);
  }
  if (withFresh) {
    const clone = join(scratch, 'clone');
    const cloned = spawnSync('git', ['clone', '--quiet', root, clone], { stdio: 'inherit' });
    if (cloned.status !== 0) throw new Error('git clone failed');
    const s = await timeStart(clone, join(clone, '.flowgate'));
    result.fresh = Number(s.toFixed(2));
    process.stdout.write(`fresh clone: ${s.toFixed(2)} s\n`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
result.warmMedian = median(result.warm);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(join(root, 'bench', 'results', 'startup.json'), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(
  `\nnpm start → healthy: warm median ${result.warmMedian.toFixed(2)} s over ${runs} runs (min ${Math.min(...result.warm)} s, max ${Math.max(...result.warm)} s)` +
    (result.fresh !== null ? `; fresh clone ${result.fresh.toFixed(2)} s` : '') +
    '\n',
);
