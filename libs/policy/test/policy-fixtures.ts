import { loadPipeline, type ActivityCatalog, type PipelinePlan } from '@flowgate/dsl';
import { parsePolicyText, type PolicyVersion } from '../src/index';

const names = [
  'http.request',
  'notify.webhook',
  'llm.chat',
  'core.echo',
  'sql.query',
  'shell.exec',
  'text.transform',
];
export const catalog: ActivityCatalog = new Map(names.map((n) => [n, { name: n }]));

/** Compiles a pipeline YAML with the real DSL compiler (sub-plans by `name@version`). */
export function plan(yaml: string, subPlans: Map<string, PipelinePlan> = new Map()): PipelinePlan {
  const r = loadPipeline(yaml, { catalog, subPlans, format: 'yaml' });
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return r.plan;
}

/** Parses a policy YAML into a stored version. */
export function policy(yaml: string, version = 1): PolicyVersion {
  const r = parsePolicyText(yaml);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return { name: r.document.metadata.name, version, document: r.document };
}

/** A realistic 20-step pipeline (for tests and the benchmark). */
export function twentyStepYaml(): string {
  const steps: string[] = [];
  steps.push(`    - { id: approve, approval: { approvers: { roles: [lead] } } }`);
  for (let i = 1; i <= 16; i++) {
    const kind = i % 4;
    if (kind === 0)
      steps.push(
        `    - { id: fetch${i}, uses: http.request, with: { url: "https://api.example.com/items/\${ input.id }" }, timeout: { startToClose: 30s } }`,
      );
    else if (kind === 1)
      steps.push(
        `    - { id: chat${i}, uses: llm.chat, with: { prompt: "hello", maxTokens: 200 }, tags: [llm], retry: { maxAttempts: 3 } }`,
      );
    else if (kind === 2) steps.push(`    - { id: echo${i}, uses: core.echo, with: { n: ${i} } }`);
    else steps.push(`    - { id: shape${i}, uses: text.transform, with: { text: "x", op: upper } }`);
  }
  steps.push(
    `    - id: fan\n      map:\n        items: "\${ input.items }"\n        concurrency: 5\n        steps: [ { id: each, uses: core.echo, with: { v: "\${ item }" } } ]`,
  );
  steps.push(`    - { id: notify, uses: notify.webhook, with: { url: "https://hooks.example.com/done" } }`);
  steps.push(`    - { id: done, set: { values: { ok: true } } }`);
  return `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: bench-twenty, version: 1, tags: [support] }
spec:
  steps:
${steps.join('\n')}
`;
}

export const REALISTIC_POLICY = `apiVersion: flowgate/v1
kind: Policy
metadata: { name: org-baseline }
spec:
  mode: enforce
  scope: { pipelines: ["*"] }
  rules:
    - { id: no-shell, type: activity, deny: ["shell.*"] }
    - { id: known-activities, type: activity, allow: ["http.*", "llm.*", "core.*", "text.*", "notify.*", "sql.*"] }
    - { id: egress, type: egress, allowHosts: ["*.example.com", "example.com"] }
    - { id: retries, type: retry, maxAttempts: 5, maxInterval: 5m }
    - { id: timeouts, type: timeout, maxStartToClose: 10m }
    - { id: maps, type: map, maxConcurrency: 20, maxItems: 1000 }
    - { id: llm-approval, type: approval, tags: [llm], when: "pipeline.tags[0] = 'support'" }
    - { id: run-cost, type: budget, metric: costUnits, perRun: 100, reserve: 1 }
`;
