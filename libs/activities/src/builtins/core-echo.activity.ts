import { z } from 'zod';
import { defineActivity } from '../sdk/define-activity';

/** Returns its input unchanged: useful to shape data and in examples. */
export const coreEcho = defineActivity({
  name: 'core.echo',
  description: 'Returns its input object unchanged.',
  input: z.record(z.string(), z.unknown()),
  output: z.record(z.string(), z.unknown()),
  handler: async (input) => input,
});
