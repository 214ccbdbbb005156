import type { Json } from '@flowgate/dsl';
import { OUTPUT_PREVIEW_CHARS } from '../wire/limits';

const ELLIPSIS = '…';

/** JSON of a value cut to at most `max` characters (ending in an ellipsis when cut). Pure. */
export function outputPreview(
  value: Json | undefined,
  max: number = OUTPUT_PREVIEW_CHARS,
): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - ELLIPSIS.length)) + ELLIPSIS;
}

/** An error message cut for the progress tree. */
export function messagePreview(message: string, max: number = OUTPUT_PREVIEW_CHARS): string {
  return message.length <= max ? message : message.slice(0, Math.max(0, max - ELLIPSIS.length)) + ELLIPSIS;
}
