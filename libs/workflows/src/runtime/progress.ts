import type { Json } from '@flowgate/dsl';
import { messagePreview, outputPreview } from '../decisions/preview.decision';
import { isUnderPrefix } from '../decisions/paths.decision';
import type { MapItemsProgress, RunProgress, RunStatus, StepProgress, StepStatus } from '../wire/run.types';

/**
 * The live run tree behind the `progress` query. Bounded: map items past the detail limit are
 * only counted, loops keep only their latest iteration's body steps, previews are truncated.
 */
export class ProgressTracker {
  private readonly entries = new Map<string, StepProgress>();
  private omitted = 0;
  status: RunStatus = 'running';

  constructor(
    private readonly runId: string,
    private readonly pipeline: { name: string; version: number },
    restored: StepProgress[] = [],
    /** Told about every change of a tracked entry (the projection sink); never affects the run. */
    private readonly onChange: (entry: StepProgress) => void = () => undefined,
  ) {
    for (const e of restored) this.entries.set(e.path, e);
  }

  private changed(path: string): void {
    const e = this.entries.get(path);
    if (e) this.onChange({ ...e });
  }

  private now(): string {
    return new Date().toISOString();
  }

  /** Records a step that starts (or is skipped, or waits). Returns false when not tracked. */
  start(path: string, id: string, kind: string, detail: boolean, status: StepStatus = 'running'): void {
    if (!detail) {
      this.omitted++;
      return;
    }
    this.entries.set(path, {
      path,
      id,
      kind,
      status,
      attempts: status === 'skipped' ? 0 : 1,
      startedAt: this.now(),
    });
    this.changed(path);
  }

  skipped(path: string, id: string, kind: string, detail: boolean): void {
    if (!detail) {
      this.omitted++;
      return;
    }
    this.entries.set(path, { path, id, kind, status: 'skipped', attempts: 0, finishedAt: this.now() });
    this.changed(path);
  }

  update(path: string, patch: Partial<StepProgress>): void {
    const e = this.entries.get(path);
    if (!e) return;
    Object.assign(e, patch);
    this.changed(path);
  }

  finish(path: string, status: StepStatus, output?: Json, error?: { type: string; message: string }): void {
    const e = this.entries.get(path);
    if (!e) return;
    e.status = status;
    e.finishedAt = this.now();
    if (output !== undefined) e.outputPreview = outputPreview(output);
    if (error) e.error = { type: error.type, message: messagePreview(error.message) };
    this.changed(path);
  }

  /** Map item counters (created on the map's entry, or on a synthetic entry in a batch child). */
  items(path: string, patch: Partial<MapItemsProgress>): void {
    let e = this.entries.get(path);
    if (!e) {
      e = {
        path,
        id: path.slice(path.lastIndexOf('/') + 1),
        kind: 'map',
        status: 'running',
        attempts: 1,
        startedAt: this.now(),
      };
      this.entries.set(path, e);
    }
    e.items = { ...(e.items ?? { total: 0, succeeded: 0, failed: 0, batched: 0 }), ...patch };
  }

  itemDone(path: string, ok: boolean, count = 1): void {
    const e = this.entries.get(path);
    if (!e?.items) return;
    if (ok) e.items.succeeded += count;
    else e.items.failed += count;
  }

  addChild(path: string, workflowId: string): void {
    const e = this.entries.get(path);
    if (!e) return;
    e.children = [...(e.children ?? []), workflowId];
  }

  /** Drops the entries under a runtime prefix (a finished loop iteration). */
  prune(prefix: string): void {
    for (const key of [...this.entries.keys()]) {
      if (isUnderPrefix(key, prefix)) this.entries.delete(key);
    }
  }

  snapshot(): RunProgress {
    const steps = [...this.entries.values()].map((e) => ({ ...e }));
    const out: RunProgress = { runId: this.runId, pipeline: this.pipeline, status: this.status, steps };
    if (this.omitted > 0) out.omitted = this.omitted;
    return out;
  }

  list(): StepProgress[] {
    return [...this.entries.values()].map((e) => ({ ...e }));
  }
}
