import { codecRequestSchema } from '@flowgate/codec';
import type { RouteSpec } from '../openapi/route-spec';

const operation = (direction: 'encode' | 'decode', summary: string): RouteSpec => ({
  method: 'POST',
  path: `/codec/${direction}`,
  operationId: `${direction}Payloads`,
  summary,
  description:
    'The Temporal codec-server protocol (`{ payloads: [{ metadata, data }] }`, base64 fields), for the Temporal UI and `temporal --codec-endpoint`. Available when `FLOWGATE_PAYLOAD_KEYS` is set.',
  tag: 'codec',
  permission: 'runs:write',
  body: { schema: codecRequestSchema },
  responses: {
    200: { description: 'The payloads, transformed', schema: codecRequestSchema },
    400: { description: '`validation_failed`: an unknown key id or a tampered payload' },
    404: { description: '`not_found`: payload encryption is off on this gateway' },
  },
});

export const codecRoutes: RouteSpec[] = [
  operation('decode', 'Decrypt payloads (audited as `codec.decoded`)'),
  operation('encode', 'Encrypt payloads with the current key'),
];
