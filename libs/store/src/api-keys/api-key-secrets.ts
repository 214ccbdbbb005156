import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

/** API keys look like `fgk_<prefix>_<secret>`; only the prefix is stored in clear. */
export const API_KEY_PATTERN = /^fgk_([a-z0-9]{10})_([A-Za-z0-9_-]{32,64})$/;

export interface GeneratedApiKey {
  /** The whole key: shown once, never stored. */
  token: string;
  prefix: string;
  hash: string;
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomPrefix(): string {
  const bytes = randomBytes(10);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** Generates a key and its argon2id hash. */
export async function generateApiKey(): Promise<GeneratedApiKey> {
  const prefix = randomPrefix();
  const secret = randomBytes(32).toString('base64url');
  const token = `fgk_${prefix}_${secret}`;
  return { token, prefix, hash: await argon2.hash(secret, { type: argon2.argon2id }) };
}

/** Splits a presented key into prefix and secret, or undefined when malformed. */
export function parseApiKey(token: string): { prefix: string; secret: string } | undefined {
  const m = API_KEY_PATTERN.exec(token);
  return m ? { prefix: m[1] as string, secret: m[2] as string } : undefined;
}

export async function verifyApiKeySecret(hash: string, secret: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, secret);
  } catch {
    return false;
  }
}
