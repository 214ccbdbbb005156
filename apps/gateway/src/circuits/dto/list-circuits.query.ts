import { z } from 'zod';

export const listCircuitsQuery = z
  .object({ state: z.enum(['closed', 'open', 'half_open']).optional() })
  .strict();
export type ListCircuitsQuery = z.infer<typeof listCircuitsQuery>;
