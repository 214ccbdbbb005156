import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';

/**
 * Committed replay histories: test/replay/histories/<name>.json = { workflowId, workflowType, history }.
 *
 * `history` is protobufjs' JSON form of temporal.api.history.v1.History (int64 as strings, bytes
 * as base64, enums by name, timestamps as {seconds, nanos}). Not Temporal's canonical proto3 JSON:
 * `historyToJSON`/`historyFromJSON` of @temporalio/common throw "type must be a Type" in this
 * install (two copies of protobufjs 8 under @temporalio/common and @temporalio/proto).
 */
const History = temporal.api.history.v1.History;
const JSON_OPTIONS = { longs: String, enums: String, bytes: String };
export const HISTORIES_DIR = join(__dirname, '../../../test/replay/histories');

export interface HistoryFile {
  workflowId: string;
  workflowType: string;
  history: unknown;
}

export function writeHistory(
  name: string,
  workflowId: string,
  workflowType: string,
  history: temporal.api.history.v1.IHistory,
): void {
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const file: HistoryFile = {
    workflowId,
    workflowType,
    history: History.toObject(History.fromObject(history), JSON_OPTIONS),
  };
  writeFileSync(join(HISTORIES_DIR, `${name}.json`), `${JSON.stringify(file, null, 1)}\n`);
}

export function readHistories(): {
  name: string;
  workflowId: string;
  history: temporal.api.history.v1.History;
}[] {
  return readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = JSON.parse(readFileSync(join(HISTORIES_DIR, f), 'utf8')) as HistoryFile;
      return {
        name: f.replace(/\.json$/, ''),
        workflowId: file.workflowId,
        history: History.fromObject(file.history as Record<string, unknown>),
      };
    });
}
