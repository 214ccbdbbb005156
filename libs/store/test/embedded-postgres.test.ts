import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertReachableByPostgresUser } from '../src/embedded-postgres';

const asRoot = process.getuid?.() === 0;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('embedded PostgreSQL data directory', () => {
  it('under root, names the directory the postgres user cannot traverse; otherwise checks nothing', () => {
    const closed = mkdtempSync(join(tmpdir(), 'fg-closed-'));
    dirs.push(closed);
    chmodSync(closed, 0o700);
    if (asRoot) {
      expect(() => assertReachableByPostgresUser(join(closed, 'pg'))).toThrow(
        new RegExp(`${closed} is not traversable by other users.*DATABASE_URL`),
      );
    } else {
      expect(() => assertReachableByPostgresUser(join(closed, 'pg'))).not.toThrow();
    }
    chmodSync(closed, 0o755);
    expect(() => assertReachableByPostgresUser(join(closed, 'pg'))).not.toThrow();
  });
});
