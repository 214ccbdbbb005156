import { z } from 'zod';
import { defineActivity } from '../sdk/define-activity';

const ops = {
  upper: (s: string) => s.toUpperCase(),
  lower: (s: string) => s.toLowerCase(),
  trim: (s: string) => s.trim(),
  reverse: (s: string) => [...s].reverse().join(''),
} as const;

/** Simple text transformations. */
export const textTransform = defineActivity({
  name: 'text.transform',
  description: 'Applies a transformation (upper, lower, trim, reverse) to a text.',
  input: z.object({ text: z.string(), op: z.enum(['upper', 'lower', 'trim', 'reverse']) }).strict(),
  output: z.object({ text: z.string() }),
  handler: async ({ text, op }) => ({ text: ops[op](text) }),
});
