import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { repoRoot, startDevStack, type RunningStack } from '../support/dev-stack-process';
import { freePort } from '../support/ports';

/** The `flowgate` command end to end: the built CLI as a process against the real stack. */

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const CLI = join(repoRoot, 'apps', 'cli', 'dist', 'main.js');
const HELLO = join(repoRoot, 'examples', 'hello.yaml');

let stack: RunningStack;
let db: TestDatabase;
let work: string;
let gatewayUrl: string;

interface CliProcess {
  done: Promise<CliResult>;
  stdout(): string;
}

/** Starts `flowgate <args>` in a scratch directory (no config file, no dev-stack state). */
function startFlowgate(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: work,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: work,
      FLOWGATE_URL: gatewayUrl,
      FLOWGATE_API_KEY: stack.info.apiKey,
      NO_COLOR: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`flowgate ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { done, stdout: () => stdout };
}

const flowgate = (args: string[], env: Record<string, string> = {}): Promise<CliResult> =>
  startFlowgate(args, env).done;

async function waitForOutput(
  proc: CliProcess,
  pattern: RegExp,
  timeoutMs = 20_000,
): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(proc.stdout());
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in output:\n${proc.stdout()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function noStackTrace(result: CliResult): void {
  expect(`${result.stdout}\n${result.stderr}`).not.toMatch(/\n\s+at .+:\d+:\d+/);
}

const WAIT_PIPELINE = `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: cli-wait, version: 1, description: Waits long enough to be cancelled. }
spec:
  steps:
    - id: pause
      wait: { duration: 30s }
`;

const BAD_PIPELINE = `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: cli-bad, version: 1 }
spec:
  steps:
    - id: greet
      uses: core.ecko
      with: { message: hi }
`;

describe('flowgate CLI against the real stack', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'flowgate-cli-e2e-'));
    writeFileSync(join(work, 'wait.yaml'), WAIT_PIPELINE);
    writeFileSync(
      join(work, 'wait-inline.yaml'),
      WAIT_PIPELINE.replace('name: cli-wait,', 'name: cli-wait-inline,'),
    );
    writeFileSync(join(work, 'bad.yaml'), BAD_PIPELINE);
    db = await createTestDatabase();
    stack = await startDevStack({ DATABASE_URL: db.url });
    gatewayUrl = stack.info.restUrl.replace(/\/v1$/, '');
  });

  afterAll(async () => {
    if (stack && stack.process.exitCode === null) await stack.stop();
    await db?.drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('validates a good file against the gateway catalog, and reports every problem of a bad one', async () => {
    const good = await flowgate(['validate', HELLO]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('hello@1 is valid');
    expect(good.stderr).not.toContain('names-only');

    const bad = await flowgate(['validate', 'bad.yaml']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /^bad\.yaml:7:13 unknown-activity unknown activity 'core\.ecko' \(did you mean 'core\.echo'\?\) \(at spec\.steps\[0\]\.uses\)$/m,
    );
    noStackTrace(bad);
  });

  it('draws a pipeline as Mermaid', async () => {
    const graph = await flowgate(['graph', HELLO]);
    expect(graph.code).toBe(0);
    expect(graph.stdout).toMatch(/^flowchart TD/);
    expect(graph.stdout).toContain('greet');
    expect(graph.stdout).toContain('s1 --> s2');
  });

  it('pushes and lists pipelines', async () => {
    const push = await flowgate(['pipelines', 'push', 'wait.yaml']);
    expect(push.code).toBe(0);
    expect(push.stdout).toContain('wait.yaml → cli-wait@1 (registered)');
    const again = await flowgate(['pipelines', 'push', 'wait.yaml']);
    expect(again.stdout).toContain('(unchanged)');

    const list = await flowgate(['pipelines', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^NAME\s+VERSION/);
    expect(list.stdout).toMatch(/^hello\s+1\b/m);
    expect(list.stdout).toMatch(/^cli-wait\s+1\b/m);

    const json = JSON.parse((await flowgate(['pipelines', 'list', '--json'])).stdout) as {
      items: { name: string }[];
    };
    expect(json.items.map((p) => p.name)).toEqual(expect.arrayContaining(['hello', 'cli-wait']));
  });

  it('runs hello --follow to success, then shows its status and logs', async () => {
    const run = await flowgate(['run', 'hello', '--follow', '--input', '{"name":"Ada"}']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/following hello-\d{8}-[a-z0-9]{8} \(hello@1\)/);
    expect(run.stdout).toContain('greet: succeeded');
    expect(run.stdout).toMatch(/\[█+\] 2\/2 steps/);
    const output = /^output: (.*)$/m.exec(run.stdout)?.[1];
    expect(JSON.parse(output ?? 'null')).toEqual({ greeting: 'Hello, Ada!', shout: 'HELLO, ADA!' });
    const id = /following (\S+)/.exec(run.stdout)![1]!;

    const status = await flowgate(['status', id, '--json']);
    expect(status.code).toBe(0);
    const view = JSON.parse(status.stdout) as { status: string; output: unknown };
    expect(view.status).toBe('succeeded');
    expect(view.output).toEqual({ greeting: 'Hello, Ada!', shout: 'HELLO, ADA!' });

    const human = await flowgate(['status', id]);
    expect(human.stdout).toContain(`${id}  hello@1  succeeded`);
    expect(human.stdout).toMatch(/✔ greet\s+succeeded/);

    const logs = await flowgate(['logs', id]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/greet {2}started/);
    expect(logs.stdout).toMatch(/shout {2}succeeded {2}output /);
    expect(logs.stdout).toMatch(/run succeeded$/m);
  });

  it('prints the final run as JSON with --follow --json', async () => {
    const run = await flowgate(['run', 'hello@1', '-f', '--json', '--input', '{"name":"Grace"}']);
    expect(run.code).toBe(0);
    const final = JSON.parse(run.stdout) as { status: string; output: unknown };
    expect(final).toEqual(
      expect.objectContaining({
        status: 'succeeded',
        output: { greeting: 'Hello, Grace!', shout: 'HELLO, GRACE!' },
      }),
    );
  });

  it('cancels a waiting run: its follower exits 1, and cancel --wait sees it end', async () => {
    const follower = startFlowgate(['run', 'wait-inline.yaml', '--follow']);
    const id = (await waitForOutput(follower, /following (\S+) \(cli-wait-inline@1\)/))[1]!;
    const status = await flowgate(['status', id]);
    expect(status.stdout).toContain(`${id}  cli-wait-inline@1  running`);

    const cancel = await flowgate(['cancel', id, '--reason', 'e2e']);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain(`cancellation requested for ${id}`);
    const followed = await follower.done;
    expect(followed.code).toBe(1);
    expect(followed.stdout).toContain(`${id}  cli-wait-inline@1  cancelled`);

    const started = await flowgate(['run', 'cli-wait', '--json']);
    expect(started.code).toBe(0);
    const registered = (JSON.parse(started.stdout) as { id: string }).id;
    const cancelWait = await flowgate(['cancel', registered, '--wait']);
    expect(cancelWait.code).toBe(0);
    expect(cancelWait.stdout).toContain(`${registered} cancelled`);
    const after = JSON.parse((await flowgate(['status', registered, '--json'])).stdout) as { status: string };
    expect(after.status).toBe('cancelled');
  });

  it('refuses bad input (2), a bad key (4) and says so when the gateway is unreachable (3)', async () => {
    const badInput = await flowgate(['run', 'hello', '--input', '{"name":42}']);
    expect(badInput.code).toBe(2);
    expect(badInput.stderr).toContain('invalid_input');
    noStackTrace(badInput);

    const badKey = await flowgate(['pipelines', 'list'], { FLOWGATE_API_KEY: 'fgk_nope_nope' });
    expect(badKey.code).toBe(4);
    expect(badKey.stderr).toContain('unauthenticated');

    const closed = await freePort();
    const down = await flowgate(['status', 'hello-20260101-aaaaaaaa', '--url', `http://127.0.0.1:${closed}`]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain(
      `cannot reach the Flowgate gateway at http://127.0.0.1:${closed} (connection refused)`,
    );
    expect(down.stderr).toContain('the URL came from the --url flag');
    noStackTrace(down);

    const validateOffline = await flowgate(['validate', HELLO, '--url', `http://127.0.0.1:${closed}`]);
    expect(validateOffline.code).toBe(0);
    expect(validateOffline.stderr).toContain('names-only catalog');
  });
});
