import type { Json } from '@flowgate/dsl';

/** JSON value helpers shared by expressions, merge and aggregation. Pure. */

export function isPlainObject(value: unknown): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Converts an expression result into plain JSON: `undefined` (JSONata's "no match") becomes
 * null, JSONata sequences become plain arrays, functions and non-finite numbers become null.
 */
export function toJson(value: unknown): Json {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'function') return null;
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map((v) => toJson(v));
  if (typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v !== undefined && typeof v !== 'function') out[k] = toJson(v);
    }
    return out;
  }
  return null;
}

/** JSONata's boolean cast ($boolean): false for null, false, 0, '', [], {} and arrays of falsy values. */
export function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'function') return false;
  if (Array.isArray(value)) return value.some((v) => truthy(v));
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return false;
}

/** How an expression value is rendered inside string interpolation. */
export function interpolate(value: Json): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** JSON with object keys sorted: equal values give equal strings (vote keys). */
export function canonicalJson(value: Json): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] ?? null)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** UTF-8 byte length of a value's JSON (no TextEncoder: this also runs in the workflow sandbox). */
export function jsonByteLength(value: Json): number {
  const text = JSON.stringify(value);
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
