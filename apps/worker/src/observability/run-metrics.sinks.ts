import type { InjectedSinks } from '@temporalio/worker';
import { PROJECTION_SINK, type ProjectionSinks, type RunChange, type StepChange } from '@flowgate/workflows';
import type { RunOutcome, WorkerMetrics } from './worker-metrics';

const FINISHED_RUN = new Set<string>(['succeeded', 'failed', 'cancelled']);
const FINISHED_STEP = new Set<string>(['succeeded', 'failed', 'cancelled', 'compensated']);
/** Run ids remembered to count each run's end once, even if its final state is reported again. */
const REMEMBERED_RUNS = 10_000;

/**
 * Feeds the run and step metrics from the interpreter's projection sink (the run-tree projector
 * sees every run and step state change; sinks are not called on replay):
 * `flowgate_runs_{completed,failed,cancelled}_total{pipeline}` for top-level runs and
 * `flowgate_step_duration_seconds{kind,status}` for every finished step.
 */
export class RunMetricsRecorder {
  private readonly counted = new Set<string>();

  constructor(private readonly metrics: WorkerMetrics) {}

  run(change: RunChange): void {
    if (change.parent || !FINISHED_RUN.has(change.status) || this.counted.has(change.runId)) return;
    this.counted.add(change.runId);
    if (this.counted.size > REMEMBERED_RUNS) {
      const oldest = this.counted.values().next().value;
      if (oldest !== undefined) this.counted.delete(oldest);
    }
    this.metrics.runFinished(change.pipeline.name, change.status as RunOutcome);
  }

  step(change: StepChange): void {
    if (!FINISHED_STEP.has(change.status) || !change.startedAt || !change.finishedAt) return;
    const seconds = (Date.parse(change.finishedAt) - Date.parse(change.startedAt)) / 1000;
    if (Number.isFinite(seconds) && seconds >= 0)
      this.metrics.stepDuration.observe({ kind: change.kind, status: change.status }, seconds);
  }

  /** The projection sinks, each also reporting to this recorder first (a metrics error never stops projection). */
  wrap(sinks: InjectedSinks<ProjectionSinks>): InjectedSinks<ProjectionSinks> {
    const projection = sinks[PROJECTION_SINK];
    const safely = (fn: () => void) => {
      try {
        fn();
      } catch {
        // metrics are best effort
      }
    };
    return {
      ...sinks,
      [PROJECTION_SINK]: {
        ...projection,
        run: {
          ...projection.run,
          fn: (info, change) => {
            safely(() => this.run(change));
            return projection.run.fn(info, change);
          },
        },
        step: {
          ...projection.step,
          fn: (info, change) => {
            safely(() => this.step(change));
            return projection.step.fn(info, change);
          },
        },
      },
    };
  }
}
