/**
 * Runtime step paths: unique per execution, used as activity ids, progress keys and child
 * workflow ids. Map items and loop iterations add `[i]`; branches and cases add a segment.
 *   fetch · loop[2]/fetch · replies[17]/draft · enrich/branch[0]/crm · route/case[1]/x ·
 *   route/default/x · book/compensate/cancel
 * Pure.
 */

export const stepPath = (prefix: string, id: string): string => `${prefix}${id}`;
export const itemPrefix = (path: string, index: number): string => `${path}[${index}]/`;
export const iterationPrefix = itemPrefix;
export const branchPrefix = (path: string, index: number): string => `${path}/branch[${index}]/`;
export const casePrefix = (path: string, index: number | 'default'): string =>
  index === 'default' ? `${path}/default/` : `${path}/case[${index}]/`;
export const compensationPrefix = (path: string): string => `${path}/compensate/`;

/** Whether `path` lies inside the subtree of the step at `ancestor` (not the step itself). */
export function isWithin(path: string, ancestor: string): boolean {
  return path.startsWith(`${ancestor}/`) || path.startsWith(`${ancestor}[`);
}

/** Whether `path` lies under a runtime prefix such as `loop[2]/` (prefix '' contains everything). */
export function isUnderPrefix(path: string, prefix: string): boolean {
  return path.startsWith(prefix);
}

/** Workflow id of a child started by a step: `${parentId}/${stepPath}`. */
export const childWorkflowId = (parentWorkflowId: string, path: string): string =>
  `${parentWorkflowId}/${path}`;

/** Workflow id of a map batch child: `${parentId}/${mapPath}[from-last]`. */
export const batchWorkflowId = (
  parentWorkflowId: string,
  mapPath: string,
  from: number,
  to: number,
): string => `${parentWorkflowId}/${mapPath}[${from}-${to - 1}]`;
