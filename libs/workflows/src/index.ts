/**
 * Public entry for the gateway, worker and CLI: wire names, types and pure functions only.
 * Nothing exported here imports `@temporalio/workflow` at runtime; the workflow bundle entry
 * is `workflows.ts` (dist/workflows.js).
 */
export * from './wire/names';
export * from './wire/run.types';
export * from './wire/limits';
export * from './wire/projection.types';
export * from './wire/hitl.types';
export * from './decisions/schedule.decision';
export * from './decisions/join.decision';
export * from './decisions/merge.decision';
export * from './decisions/aggregate.decision';
export * from './decisions/retry.decision';
export * from './decisions/preview.decision';
export * from './decisions/batch.decision';
export * from './decisions/paths.decision';
export * from './decisions/values.decision';
export * from './decisions/compensation.decision';
export * from './decisions/approval.decision';
