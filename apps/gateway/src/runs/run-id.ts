import { randomFillSync } from 'node:crypto';

const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
const SUFFIX_LENGTH = 8;

// Random bytes are drawn in blocks (one call into the CSPRNG per 512 run ids, not one per id).
const pool = Buffer.alloc(SUFFIX_LENGTH * 512);
let offset = pool.length;

function randomSuffix(): string {
  if (offset + SUFFIX_LENGTH > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i++) suffix += alphabet[pool[offset + i]! % alphabet.length];
  offset += SUFFIX_LENGTH;
  return suffix;
}

/** A readable, unique run id (also the Temporal workflow id): `<pipeline>-<yyyymmdd>-<8 random chars>`. */
export function newRunId(pipeline: string, now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `${pipeline}-${day}-${randomSuffix()}`;
}
