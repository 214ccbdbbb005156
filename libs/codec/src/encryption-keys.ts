import { z } from 'zod';

/** One AES-256 key with its id. The id travels with every encrypted payload, so keys can rotate. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface KeyRing {
  /** The key new payloads are encrypted with. */
  current: EncryptionKey;
  /** Every key that may decrypt (the current one included), by id. */
  byId: ReadonlyMap<string, EncryptionKey>;
}

const keySpec = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,64}:[A-Za-z0-9+/=_-]+$/, 'each key must be <id>:<base64 of 32 bytes>');

/**
 * Parses `FLOWGATE_PAYLOAD_KEYS`: comma-separated `<id>:<base64 32-byte key>`; the FIRST key
 * encrypts, all of them decrypt (add the new key in front to rotate, drop old ones when no
 * history still needs them).
 */
export function parseKeyRing(spec: string): KeyRing {
  const keys = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const parsed = keySpec.safeParse(entry);
      if (!parsed.success)
        throw new Error(`FLOWGATE_PAYLOAD_KEYS entry ${i + 1}: ${parsed.error.issues[0]?.message}`);
      const [id, b64] = entry.split(':') as [string, string];
      const key = Buffer.from(b64, 'base64');
      if (key.length !== 32)
        throw new Error(`FLOWGATE_PAYLOAD_KEYS key '${id}' must be 32 bytes (AES-256), got ${key.length}`);
      return { id, key };
    });
  if (keys.length === 0) throw new Error('FLOWGATE_PAYLOAD_KEYS holds no key');
  const byId = new Map<string, EncryptionKey>();
  for (const k of keys) {
    if (byId.has(k.id)) throw new Error(`FLOWGATE_PAYLOAD_KEYS lists key '${k.id}' twice`);
    byId.set(k.id, k);
  }
  return { current: keys[0]!, byId };
}
