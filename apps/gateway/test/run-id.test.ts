import { describe, expect, it } from 'vitest';
import { newRunId } from '../src/runs/run-id';
import { temporalUiLink } from '../src/runs/temporal-links';

describe('run ids', () => {
  it('are readable: pipeline, day, 8 random characters', () => {
    expect(newRunId('ticket-triage', new Date('2026-11-21T10:00:00Z'))).toMatch(
      /^ticket-triage-20261121-[a-z2-9]{8}$/,
    );
  });

  it('do not repeat', () => {
    const ids = new Set(Array.from({ length: 2_000 }, () => newRunId('p')));
    expect(ids.size).toBe(2_000);
  });

  it('link to the run in the Temporal UI', () => {
    expect(temporalUiLink('http://ui:8233/', 'prod ns', 'hello-20261121-abcdefgh')).toBe(
      'http://ui:8233/namespaces/prod%20ns/workflows/hello-20261121-abcdefgh',
    );
  });
});
