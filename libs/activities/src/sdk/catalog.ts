import { z } from 'zod';
import type { ActivityDefinition } from './define-activity';

export interface ActivityCatalogEntry {
  name: string;
  description?: string;
  inputSchema?: object;
  outputSchema?: object;
}

/** The catalog the DSL validator and `GET /v1/activities` use: names with JSON Schemas. */
export function toCatalog(defs: readonly ActivityDefinition[]): Map<string, ActivityCatalogEntry> {
  const catalog = new Map<string, ActivityCatalogEntry>();
  for (const def of defs) {
    catalog.set(def.name, {
      name: def.name,
      description: def.description,
      inputSchema: z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }) as object,
      outputSchema: z.toJSONSchema(def.output, { io: 'output', unrepresentable: 'any' }) as object,
    });
  }
  return catalog;
}
