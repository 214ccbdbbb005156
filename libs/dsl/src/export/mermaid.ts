import type { PipelineDocument } from '../document/document.types';
import { formatDuration } from '../document/duration';
import { assertNever } from '../document/step-kind';
import { compileValidated } from '../compile/compile-pipeline';
import type { PipelinePlan, PlanStep } from '../plan/plan.types';

function isPlan(value: PipelinePlan | PipelineDocument): value is PipelinePlan {
  return 'digest' in value && 'steps' in value;
}

const escapeLabel = (text: string): string =>
  text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');

/**
 * A Mermaid flowchart (TD) of a plan, or of a schema-valid document (compiled on the fly, child
 * pipelines drawn as single nodes). Containers (parallel, map, switch, loop) are subgraphs; edges
 * come from `needs` (dotted when the target has a `when`); compensations hang off their step.
 */
export function toMermaid(input: PipelinePlan | PipelineDocument): string {
  const plan = isPlan(input)
    ? input
    : compileValidated(input, (ref) => ({
        apiVersion: 'flowgate/v1',
        pipeline: { name: ref.name, version: ref.version, tags: [] },
        digest: '',
        steps: [],
        activities: [],
      }));
  const lines: string[] = ['flowchart TD'];
  const ids = new Map<string, string>();
  const idOf = (path: string): string => {
    let id = ids.get(path);
    if (!id) {
      id = `s${ids.size + 1}`;
      ids.set(path, id);
    }
    return id;
  };
  const pad = (depth: number): string => '  '.repeat(depth);

  const nodeLabel = (s: PlanStep): string => {
    switch (s.kind) {
      case 'uses':
        return `${s.id}<br/>${s.uses}`;
      case 'wait':
        return `${s.id}<br/>wait ${s.durationMs !== undefined ? formatDuration(s.durationMs) : 'until'}`;
      case 'pipeline':
        return `${s.id}<br/>pipeline ${s.pipeline.name}@${s.pipeline.version}`;
      case 'approval':
        return `${s.id}<br/>approval, quorum ${s.quorum}`;
      case 'input':
        return `${s.id}<br/>input`;
      case 'set':
        return `${s.id}<br/>set`;
      case 'fail':
        return `${s.id}<br/>fail ${s.errorType}`;
      default:
        return s.id;
    }
  };

  const renderList = (steps: readonly PlanStep[], depth: number): void => {
    for (const s of steps) renderStep(s, depth);
    for (const s of steps) {
      for (const need of s.needs) {
        const from = steps.find((x) => x.id === need);
        if (from)
          lines.push(
            `${pad(depth)}${idOf(from.path)} ${s.when !== undefined ? '-.->' : '-->'} ${idOf(s.path)}`,
          );
      }
    }
  };

  const subgraph = (path: string, label: string, depth: number, body: () => void): void => {
    lines.push(`${pad(depth)}subgraph ${idOf(path)}["${escapeLabel(label)}"]`);
    lines.push(`${pad(depth + 1)}direction TB`);
    body();
    lines.push(`${pad(depth)}end`);
  };

  const renderStep = (s: PlanStep, depth: number): void => {
    const id = idOf(s.path);
    const label = `"${escapeLabel(nodeLabel(s)).replace(/#lt;br\/#gt;/g, '<br/>')}"`;
    switch (s.kind) {
      case 'uses':
      case 'set':
        lines.push(`${pad(depth)}${id}[${label}]`);
        break;
      case 'wait':
        lines.push(`${pad(depth)}${id}([${label}])`);
        break;
      case 'pipeline':
        lines.push(`${pad(depth)}${id}[[${label}]]`);
        break;
      case 'approval':
      case 'input':
        lines.push(`${pad(depth)}${id}{{${label}}}`);
        break;
      case 'fail':
        lines.push(`${pad(depth)}${id}>${label}]`);
        break;
      case 'parallel':
        subgraph(
          s.path,
          `${s.id} (parallel, join ${s.join.mode === 'atLeast' ? `atLeast ${s.join.n}` : s.join.mode}, merge ${s.merge})`,
          depth,
          () => {
            s.branches.forEach((branch, i) =>
              subgraph(`${s.path}/branch[${i}]`, `branch ${i}`, depth + 1, () =>
                renderList(branch, depth + 2),
              ),
            );
          },
        );
        break;
      case 'map':
        subgraph(s.path, `${s.id} (map, concurrency ${s.concurrency}, ${s.aggregate.mode})`, depth, () =>
          renderList(s.steps, depth + 1),
        );
        break;
      case 'loop':
        subgraph(
          s.path,
          `${s.id} (loop ${s.while !== undefined ? 'while' : 'until'}, max ${s.maxIterations})`,
          depth,
          () => renderList(s.steps, depth + 1),
        );
        break;
      case 'switch':
        subgraph(s.path, `${s.id} (switch)`, depth, () => {
          s.cases.forEach((c, i) =>
            subgraph(`${s.path}/case[${i}]`, `case ${i}`, depth + 1, () => renderList(c.steps, depth + 2)),
          );
          if (s.default) {
            const steps = s.default;
            subgraph(`${s.path}/default`, 'default', depth + 1, () => renderList(steps, depth + 2));
          }
        });
        break;
      default:
        assertNever(s, 'plan step');
    }
    if (s.compensate) {
      const steps = s.compensate;
      subgraph(`${s.path}/compensate`, `compensate ${s.id}`, depth, () => renderList(steps, depth + 1));
      lines.push(`${pad(depth)}${id} -. compensate .-> ${idOf(`${s.path}/compensate`)}`);
    }
  };

  renderList(plan.steps, 1);
  return `${lines.join('\n')}\n`;
}
