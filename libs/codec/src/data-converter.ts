import type { DataConverter } from '@temporalio/common';
import { z } from 'zod';
import { AesGcmPayloadCodec } from './aes-gcm.codec';
import { parseKeyRing, type KeyRing } from './encryption-keys';

/**
 * The data converter of every Temporal client and worker of Flowgate: Temporal's default one
 * when payload encryption is off (no keys), else the same with the AES-GCM codec, so that the
 * gateway (starts, signals, updates, queries, schedules) and the workers (workflow and activity
 * inputs and results) agree on the encoding. Workflow code is unchanged: codecs run outside the
 * workflow sandbox.
 */
export function flowgateDataConverter(keys: KeyRing | undefined): DataConverter | undefined {
  return keys ? { payloadCodecs: [new AesGcmPayloadCodec(keys)] } : undefined;
}

/**
 * `FLOWGATE_PAYLOAD_KEYS` for a zod environment schema: unset or blank → `undefined` (encryption
 * off); else the parsed key ring (a bad entry is reported like any other bad variable).
 */
export const payloadKeysVariable = z
  .string()
  .optional()
  .transform((spec, ctx): KeyRing | undefined => {
    if (spec === undefined || spec.trim() === '') return undefined;
    try {
      return parseKeyRing(spec);
    } catch (err) {
      // The message names the entry, never the key material.
      ctx.addIssue({
        code: 'custom',
        message: (err as Error).message.replace(/^FLOWGATE_PAYLOAD_KEYS /, ''),
      });
      return z.NEVER;
    }
  });
