import { describe, expect, it } from 'vitest';
import { Worker } from '@temporalio/worker';
import { interpreterBundle } from './harness';
import { readHistories } from './replay-files';

/**
 * Replays every committed history (test/replay/histories) against the current interpreter
 * bundle: any nondeterminism (a reordered or changed command not behind patched()) fails here.
 */
describe('replay of committed histories', () => {
  const histories = readHistories();

  it('has the committed histories of every scenario', () => {
    const names = histories.map((h) => h.name);
    for (const scenario of [
      'sequential',
      'parallel',
      'map',
      'map-direct',
      'v2-map-direct',
      'switch',
      'loop',
      'wait',
      'sub-pipeline',
      'failure-with-compensation',
      'approval',
      'approval-escalation',
      'input',
    ]) {
      expect(names).toContain(scenario);
    }
  });

  it('replays them all without nondeterminism', async () => {
    const results = Worker.runReplayHistories(
      { workflowBundle: await interpreterBundle(), replayName: 'flowgate-replay' },
      histories.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    const failures: string[] = [];
    let count = 0;
    for await (const r of results) {
      count++;
      if (r.error) failures.push(`${r.workflowId}: ${r.error.name}: ${r.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(count).toBe(histories.length);
  }, 120_000);
});
