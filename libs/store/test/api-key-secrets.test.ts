import { describe, expect, it } from 'vitest';
import { generateApiKey, parseApiKey, verifyApiKeySecret } from '../src/api-keys/api-key-secrets';

describe('API key secrets', () => {
  it('generates a key whose secret verifies against the stored hash', async () => {
    const key = await generateApiKey();
    expect(key.token).toMatch(/^fgk_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
    expect(key.hash).toMatch(/^\$argon2id\$/);
    expect(key.hash).not.toContain(key.token.split('_').pop());
    const parsed = parseApiKey(key.token)!;
    expect(parsed.prefix).toBe(key.prefix);
    expect(await verifyApiKeySecret(key.hash, parsed.secret)).toBe(true);
    expect(await verifyApiKeySecret(key.hash, `${parsed.secret}x`)).toBe(false);
  });

  it('rejects malformed keys and hashes without throwing', async () => {
    expect(parseApiKey('Bearer abc')).toBeUndefined();
    expect(parseApiKey('fgk_short_x')).toBeUndefined();
    expect(await verifyApiKeySecret('not-a-hash', 'secret')).toBe(false);
  });
});
