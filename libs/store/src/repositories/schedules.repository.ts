import type { Pool } from 'pg';

/** A pipeline's schedule as registered (the Temporal Schedule holds its live state). */
export interface PipelineScheduleRecord {
  scheduleId: string;
  tenant: string;
  pipeline: string;
  version: number;
  cron: string;
  timezone: string;
  overlap: string;
  input: unknown;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewPipelineSchedule = Omit<PipelineScheduleRecord, 'createdAt' | 'updatedAt'>;

interface Row {
  schedule_id: string;
  tenant: string;
  pipeline: string;
  version: number;
  cron: string;
  timezone: string;
  overlap: string;
  input: unknown;
  updated_by: string;
  created_at: Date;
  updated_at: Date;
}

const toRecord = (r: Row): PipelineScheduleRecord => ({
  scheduleId: r.schedule_id,
  tenant: r.tenant,
  pipeline: r.pipeline,
  version: r.version,
  cron: r.cron,
  timezone: r.timezone,
  overlap: r.overlap,
  input: r.input,
  updatedBy: r.updated_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Which Temporal Schedule each scheduled pipeline has, per tenant. */
export class SchedulesRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * Records the schedule of `version` unless a newer version's schedule is already recorded
   * (then `undefined`: the newer one stays).
   */
  async upsert(s: NewPipelineSchedule): Promise<PipelineScheduleRecord | undefined> {
    const res = await this.pool.query<Row>(
      `INSERT INTO pipeline_schedules (schedule_id, tenant, pipeline, version, cron, timezone, overlap, input, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (schedule_id) DO UPDATE
         SET version = EXCLUDED.version, cron = EXCLUDED.cron, timezone = EXCLUDED.timezone,
             overlap = EXCLUDED.overlap, input = EXCLUDED.input, updated_by = EXCLUDED.updated_by,
             updated_at = now()
         WHERE pipeline_schedules.version <= EXCLUDED.version
       RETURNING *`,
      [
        s.scheduleId,
        s.tenant,
        s.pipeline,
        s.version,
        s.cron,
        s.timezone,
        s.overlap,
        JSON.stringify(s.input ?? {}),
        s.updatedBy,
      ],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  /** Removes a pipeline's schedule row, unless a newer version than `version` recorded one. */
  async remove(
    tenant: string,
    pipeline: string,
    version: number,
  ): Promise<PipelineScheduleRecord | undefined> {
    const res = await this.pool.query<Row>(
      'DELETE FROM pipeline_schedules WHERE tenant = $1 AND pipeline = $2 AND version <= $3 RETURNING *',
      [tenant, pipeline, version],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }

  async list(tenant: string): Promise<PipelineScheduleRecord[]> {
    const res = await this.pool.query<Row>(
      'SELECT * FROM pipeline_schedules WHERE tenant = $1 ORDER BY pipeline',
      [tenant],
    );
    return res.rows.map(toRecord);
  }

  /** One schedule of the tenant, by schedule id or pipeline name. */
  async get(tenant: string, idOrPipeline: string): Promise<PipelineScheduleRecord | undefined> {
    const res = await this.pool.query<Row>(
      'SELECT * FROM pipeline_schedules WHERE tenant = $1 AND (schedule_id = $2 OR pipeline = $2)',
      [tenant, idOrPipeline],
    );
    return res.rows[0] ? toRecord(res.rows[0]) : undefined;
  }
}
