import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, parseKeyRing } from '../src';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('AES-GCM payload codec', () => {
  const k1 = key('k1');
  const k2 = key('k2');

  it('round-trips payloads and hides their content', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyRing(k1));
    const original = defaultPayloadConverter.toPayload({ secret: 'card 4111-1111', n: 42 });
    const [encrypted] = await codec.encode([original]);
    expect(new TextDecoder().decode(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(new TextDecoder().decode(encrypted!.metadata![KEY_ID_METADATA])).toBe('k1');
    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('4111');
    const [decoded] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual({ secret: 'card 4111-1111', n: 42 });
  });

  it('decodes payloads of a rotated-out key while encrypting with the new one', async () => {
    const [old] = await new AesGcmPayloadCodec(parseKeyRing(k1)).encode([
      defaultPayloadConverter.toPayload('before'),
    ]);
    const rotated = new AesGcmPayloadCodec(parseKeyRing(`${k2},${k1}`));
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('after')]);
    expect(new TextDecoder().decode(fresh!.metadata![KEY_ID_METADATA])).toBe('k2');
    const decoded = await rotated.decode([old!, fresh!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['before', 'after']);
  });

  it('refuses tampered payloads and unknown keys', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyRing(k1));
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload('x')]);
    const tampered = { ...encrypted!, data: Buffer.from(encrypted!.data!).fill(1, 20, 21) };
    await expect(codec.decode([tampered])).rejects.toThrow();
    await expect(new AesGcmPayloadCodec(parseKeyRing(k2)).decode([encrypted!])).rejects.toThrow(
      /unknown key 'k1'/,
    );
  });

  it('passes through payloads that are not encrypted', async () => {
    const plain = defaultPayloadConverter.toPayload({ a: 1 });
    expect(await new AesGcmPayloadCodec(parseKeyRing(k1)).decode([plain])).toEqual([plain]);
  });

  it('validates the key ring', () => {
    expect(() => parseKeyRing('')).toThrow(/no key/);
    expect(() => parseKeyRing('k1:abcd')).toThrow(/32 bytes/);
    expect(() => parseKeyRing(`${k1},${k1}`)).toThrow(/twice/);
    expect(() => parseKeyRing('no-colon')).toThrow(/entry 1/);
  });
});
