/**
 * Workflow bundle entry: the worker passes this module as `workflowsPath`. Only workflow
 * functions are exported here (their export names are the workflow types).
 */
export { runPipeline } from './workflows/run-pipeline.workflow';
export { runMapBatch } from './workflows/run-map-batch.workflow';
