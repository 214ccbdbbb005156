import { describe, expect, it } from 'vitest';
import {
  OVERLAP_POLICY,
  scheduledWorkflowIdOf,
  scheduleIdOf,
  ScheduleSpecError,
  toTemporalSpec,
} from '../src/schedules/schedule-spec';
import { codecCorsOrigins } from '../src/codec/codec-cors';

describe('pipeline schedule → Temporal ScheduleSpec', () => {
  it('turns @every into an interval and crons/macros into cron expressions, in the time zone', () => {
    expect(toTemporalSpec({ cron: '@every 1s', timezone: 'UTC' })).toEqual({
      intervals: [{ every: 1_000 }],
      timezone: 'UTC',
    });
    expect(toTemporalSpec({ cron: '@every 1h30m', timezone: 'UTC' }).intervals).toEqual([
      { every: 5_400_000 },
    ]);
    expect(toTemporalSpec({ cron: '30 7 * * 1-5', timezone: 'Europe/Paris' })).toEqual({
      cronExpressions: ['30 7 * * 1-5'],
      timezone: 'Europe/Paris',
    });
    expect(toTemporalSpec({ cron: '@midnight', timezone: 'UTC' }).cronExpressions).toEqual(['@daily']);
    expect(toTemporalSpec({ cron: '@annually', timezone: 'UTC' }).cronExpressions).toEqual(['@yearly']);
  });

  it('refuses intervals Temporal cannot run', () => {
    expect(() => toTemporalSpec({ cron: '@every 500ms', timezone: 'UTC' })).toThrow(ScheduleSpecError);
    expect(() => toTemporalSpec({ cron: '@every 1.5s', timezone: 'UTC' })).toThrow(/whole number of seconds/);
  });

  it('names schedules and their runs per tenant and pipeline', () => {
    expect(scheduleIdOf('acme', 'daily-report')).toBe('flowgate:acme:daily-report');
    expect(scheduledWorkflowIdOf('acme', 'daily-report')).toBe('daily-report-scheduled-acme');
    expect(OVERLAP_POLICY.skip).toBe('SKIP');
    expect(OVERLAP_POLICY.bufferOne).toBe('BUFFER_ONE');
    expect(OVERLAP_POLICY.allowAll).toBe('ALLOW_ALL');
  });
});

describe('codec endpoint CORS origins', () => {
  it('default to the Temporal UI origin; configured ones replace it', () => {
    expect([...codecCorsOrigins(undefined, 'http://127.0.0.1:8233/')]).toEqual(['http://127.0.0.1:8233']);
    expect([...codecCorsOrigins(['https://ui.example.com'], 'http://127.0.0.1:8233')]).toEqual([
      'https://ui.example.com',
    ]);
  });
});
