// @ts-check
/**
 * An example user activity module (ES module; CommonJS works too). Load it into a worker with
 *
 *   FLOWGATE_ACTIVITY_MODULES=./examples/activities/acme-activities.mjs node apps/worker/dist/main.js
 *
 * Every export made with `defineActivity` is registered under its name and published in the
 * activity catalog (GET /v1/activities) with JSON Schemas of its input and output.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { defineActivity } from '@flowgate/activities';
import { z } from 'zod';

/** `acme.slugify`: a URL slug of a text. */
export const slugify = defineActivity({
  name: 'acme.slugify',
  description: 'Turns a text into a lower-case URL slug.',
  input: z.object({ text: z.string(), maxLength: z.number().int().positive().max(200).default(80) }).strict(),
  output: z.object({ slug: z.string() }),
  handler: async ({ text, maxLength }) => ({
    slug: text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, maxLength)
      .replace(/-+$/g, ''),
  }),
});

/**
 * `acme.countdown`: a long activity done right. It heartbeats its progress, resumes from the last
 * heartbeat on a retry, and stops as soon as it is cancelled (`ctx.signal`).
 */
export const countdown = defineActivity({
  name: 'acme.countdown',
  description: 'Counts down from `from`, one tick per `tickMs`, heartbeating each tick.',
  input: z
    .object({ from: z.number().int().min(0).max(100_000), tickMs: z.number().int().positive().default(1000) })
    .strict(),
  output: z.object({ ticks: z.number().int(), resumedAt: z.number().int().nullable() }),
  handler: async ({ from, tickMs }, ctx) => {
    /** @type {{ remaining: number } | undefined} */
    const last = ctx.lastHeartbeat();
    let remaining = last?.remaining ?? from;
    const resumedAt = last ? last.remaining : null;
    while (remaining > 0) {
      await sleep(tickMs, undefined, { signal: ctx.signal });
      remaining -= 1;
      ctx.heartbeat({ remaining });
    }
    return { ticks: from, resumedAt };
  },
});
