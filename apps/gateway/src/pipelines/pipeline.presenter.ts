import type { PipelineRecord } from '@flowgate/store';

/** Public JSON shape of a registered pipeline version. */
export function presentPipeline(r: PipelineRecord, withDocument = false) {
  return {
    name: r.name,
    version: r.version,
    digest: r.digest,
    tags: r.tags,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    ...(withDocument ? { document: r.document, source: r.source, format: r.format } : {}),
  };
}
