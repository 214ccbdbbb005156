import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';

/** A readable, unique run id (also the Temporal workflow id): `<pipeline>-<yyyymmdd>-<8 random chars>`. */
export function newRunId(pipeline: string, now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const suffix = Array.from(randomBytes(8), (b) => alphabet[b % alphabet.length]).join('');
  return `${pipeline}-${day}-${suffix}`;
}
