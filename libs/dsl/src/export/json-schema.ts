import { z } from 'zod';
import { PipelineDocumentSchema } from '../document/pipeline.schema';

export const PIPELINE_SCHEMA_ID = 'urn:flowgate:schema:pipeline:v1';

/**
 * JSON Schema (draft-07, for editors such as VS Code's YAML extension) of the pipeline document,
 * generated from the zod schema. Cross-field rules (exactly one of while|until, ...) and semantic
 * checks are not expressible here; `flowgate validate` reports them.
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(PipelineDocumentSchema, {
    target: 'draft-7',
    io: 'output',
    unrepresentable: 'any',
  });
  return { ...schema, $id: PIPELINE_SCHEMA_ID };
}
