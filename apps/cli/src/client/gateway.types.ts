/** Shapes of the gateway's REST answers the CLI reads (docs/api.md); extra fields are kept. */

export type RunStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'cancelled' | (string & {});

export interface StepView {
  path: string;
  id: string;
  kind: string;
  status: string;
  attempts: number;
  startedAt?: string | null;
  finishedAt?: string | null;
  outputPreview?: string | null;
  error?: unknown;
}

export interface RunView {
  id: string;
  status: RunStatus;
  pipeline: { name: string; version: number; digest?: string };
  input?: unknown;
  output?: unknown;
  error?: unknown;
  tags?: string[];
  createdAt?: string;
  updatedAt?: string;
  finishedAt?: string | null;
  retryOf?: string | null;
  links?: { self?: string; temporalUi?: string };
  steps?: StepView[];
  warnings?: unknown[];
  [key: string]: unknown;
}

export interface RunList {
  items: RunView[];
  page?: { nextCursor: string | null; hasMore: boolean };
}

export interface PipelineSummary {
  name: string;
  version: number;
  digest: string;
  tags?: string[];
  createdBy?: string;
  createdAt?: string;
}

export interface PipelineList {
  items: PipelineSummary[];
}

export interface PipelineVersion extends PipelineSummary {
  document?: { spec?: { steps?: { id?: string }[] } } & Record<string, unknown>;
  source?: string;
  format?: 'yaml' | 'json';
}

export interface RegisteredPipeline extends PipelineSummary {
  created: boolean;
  warnings?: { code?: string; message: string; path?: string; line?: number; column?: number }[];
}

export interface ActivityList {
  items: { name: string; description?: string; inputSchema?: object; outputSchema?: object }[];
}

export interface ApprovalView {
  runId: string;
  stepId: string;
  path?: string;
  pipeline?: { name: string; version: number } | string;
  approvers?: unknown;
  quorum?: number;
  votes?: unknown[];
  requestedAt?: string;
  deadline?: string | null;
  [key: string]: unknown;
}

export interface ApprovalList {
  items: ApprovalView[];
}

export interface ScheduleView {
  id: string;
  pipeline?: string | { name: string; version?: number };
  cron?: string | string[];
  timezone?: string;
  paused?: boolean;
  state?: string;
  nextRunAt?: string | null;
  nextActionTimes?: string[];
  lastRunAt?: string | null;
  [key: string]: unknown;
}

export interface ScheduleList {
  items: ScheduleView[];
}
