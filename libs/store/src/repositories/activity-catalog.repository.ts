import type { Pool } from 'pg';

export interface ActivityCatalogRow {
  name: string;
  description?: string;
  inputSchema?: object;
  outputSchema?: object;
}

/** The activity catalog workers publish and the gateway validates against. */
export class ActivityCatalogRepository {
  constructor(private readonly pool: Pool) {}

  async publish(entries: readonly ActivityCatalogRow[], publishedBy: string): Promise<void> {
    if (entries.length === 0) return;
    await this.pool.query(
      `INSERT INTO activity_catalog (name, description, input_schema, output_schema, published_by)
       SELECT e.name, e.description, e.input_schema, e.output_schema, $2
         FROM jsonb_to_recordset($1::jsonb) AS e(name text, description text, input_schema jsonb, output_schema jsonb)
       ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, input_schema = EXCLUDED.input_schema,
             output_schema = EXCLUDED.output_schema, published_by = EXCLUDED.published_by, updated_at = now()`,
      [
        JSON.stringify(
          entries.map((e) => ({
            name: e.name,
            description: e.description ?? null,
            input_schema: e.inputSchema ?? null,
            output_schema: e.outputSchema ?? null,
          })),
        ),
        publishedBy,
      ],
    );
  }

  async list(): Promise<ActivityCatalogRow[]> {
    const res = await this.pool.query(
      'SELECT name, description, input_schema, output_schema FROM activity_catalog ORDER BY name',
    );
    return res.rows.map((r) => ({
      name: r.name,
      description: r.description ?? undefined,
      inputSchema: r.input_schema ?? undefined,
      outputSchema: r.output_schema ?? undefined,
    }));
  }
}
