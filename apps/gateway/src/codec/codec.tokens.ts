/** Injection token of the gateway's PayloadCodec (`null` when payload encryption is off). */
export const PAYLOAD_CODEC = Symbol('PAYLOAD_CODEC');
