import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

/**
 * The Temporal codec server protocol (what the Temporal Web UI and `temporal --codec-endpoint`
 * send to `POST <endpoint>/decode` and `/encode`): `{ "payloads": [...] }`, each payload in the
 * protobuf JSON form, `metadata` values and `data` base64.
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

export const codecPayloadSchema = z
  .object({
    metadata: z.record(z.string(), base64).optional(),
    data: base64.optional(),
  })
  .loose();

export const codecRequestSchema = z.object({
  payloads: z.array(codecPayloadSchema).max(10_000),
});

export type CodecPayloadJson = z.infer<typeof codecPayloadSchema>;
export type CodecRequest = z.infer<typeof codecRequestSchema>;

const fromBase64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const toBase64 = (b: Uint8Array | null | undefined): string =>
  Buffer.from(b ?? new Uint8Array()).toString('base64');

export function payloadFromJson(p: CodecPayloadJson): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, fromBase64(v)])),
    data: fromBase64(p.data ?? ''),
  };
}

export function payloadToJson(p: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, toBase64(v)])),
    data: toBase64(p.data),
  };
}

/** Runs one codec-server request through `codec` (`decode` or `encode`). */
export async function runCodecRequest(
  codec: PayloadCodec,
  direction: 'encode' | 'decode',
  request: CodecRequest,
): Promise<{ payloads: { metadata: Record<string, string>; data: string }[] }> {
  const payloads = request.payloads.map(payloadFromJson);
  const out = direction === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
  return { payloads: out.map(payloadToJson) };
}
