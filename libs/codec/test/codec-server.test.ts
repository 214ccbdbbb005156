import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AesGcmPayloadCodec,
  codecRequestSchema,
  ENCRYPTED_ENCODING,
  flowgateDataConverter,
  parseKeyRing,
  payloadKeysVariable,
  payloadToJson,
  runCodecRequest,
} from '../src';

const spec = `k1:${randomBytes(32).toString('base64')}`;

describe('codec server protocol', () => {
  it('encodes and decodes payloads in the JSON form the Temporal UI sends', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyRing(spec));
    const plain = payloadToJson(defaultPayloadConverter.toPayload({ card: '4111-1111' }));
    const request = codecRequestSchema.parse({ payloads: [plain] });
    const encoded = await runCodecRequest(codec, 'encode', request);
    expect(Buffer.from(encoded.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe(
      ENCRYPTED_ENCODING,
    );
    expect(Buffer.from(encoded.payloads[0]!.data, 'base64').toString('latin1')).not.toContain('4111');
    const decoded = await runCodecRequest(codec, 'decode', codecRequestSchema.parse(encoded));
    expect(decoded.payloads).toEqual([plain]);
  });

  it('passes payloads that are not encrypted through decode unchanged', async () => {
    const codec = new AesGcmPayloadCodec(parseKeyRing(spec));
    const plain = payloadToJson(defaultPayloadConverter.toPayload('hello'));
    expect((await runCodecRequest(codec, 'decode', { payloads: [plain] })).payloads).toEqual([plain]);
  });

  it('refuses a body that is not { payloads: [...] } with base64 fields', () => {
    expect(codecRequestSchema.safeParse({}).success).toBe(false);
    expect(codecRequestSchema.safeParse({ payloads: [{ data: 'not base64!' }] }).success).toBe(false);
  });
});

describe('FLOWGATE_PAYLOAD_KEYS', () => {
  const env = z.object({ FLOWGATE_PAYLOAD_KEYS: payloadKeysVariable });

  it('is off when unset or blank', () => {
    expect(env.parse({}).FLOWGATE_PAYLOAD_KEYS).toBeUndefined();
    expect(env.parse({ FLOWGATE_PAYLOAD_KEYS: ' ' }).FLOWGATE_PAYLOAD_KEYS).toBeUndefined();
    expect(flowgateDataConverter(undefined)).toBeUndefined();
  });

  it('parses a key ring and makes a data converter with the codec', () => {
    const ring = env.parse({ FLOWGATE_PAYLOAD_KEYS: spec }).FLOWGATE_PAYLOAD_KEYS!;
    expect(ring.current.id).toBe('k1');
    expect(flowgateDataConverter(ring)?.payloadCodecs?.[0]).toBeInstanceOf(AesGcmPayloadCodec);
  });

  it('reports a bad value without echoing the key material', () => {
    const result = env.safeParse({ FLOWGATE_PAYLOAD_KEYS: 'k1:c2hvcnQ=' });
    expect(result.success).toBe(false);
    const message = result.error!.issues[0]!.message;
    expect(message).toContain("key 'k1' must be 32 bytes");
    expect(message).not.toContain('c2hvcnQ=');
  });
});
