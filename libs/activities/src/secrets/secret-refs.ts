import { z } from 'zod';
import { SECRET_NAME } from './secret-provider';

/** The name of a secret (never its value): what pipelines write. */
export const secretNameSchema = z
  .string()
  .regex(SECRET_NAME, 'must be a secret name: a letter, then letters, digits, _ . or - (at most 128)')
  .describe(
    'Name of a secret resolved by the worker (FLOWGATE_SECRET_<NAME> or a file in FLOWGATE_SECRETS_DIR).',
  );

/** A value taken from a secret, e.g. `{ secret: crm-token, prefix: 'Bearer ' }`. */
export const secretRefSchema = z
  .object({
    secret: secretNameSchema,
    prefix: z.string().max(200).optional().describe('Text put before the secret value, e.g. "Bearer ".'),
  })
  .strict();
export type SecretRef = z.infer<typeof secretRefSchema>;

/** A plain string, or a reference to a secret. */
export const maybeSecretSchema = z.union([z.string(), secretRefSchema]);
export type MaybeSecret = z.infer<typeof maybeSecretSchema>;

/** Secret values shorter than this are not redacted from outputs (they would shred ordinary text). */
export const MIN_REDACTED_LENGTH = 4;

/**
 * Resolves the secrets one activity execution uses and remembers their values, so that anything
 * leaving the activity (output, error message, failure details) can be scrubbed of them. Values
 * are replaced by `[secret:<name>]`.
 */
export class SecretScope {
  private readonly values = new Map<string, string>();

  constructor(private readonly lookup: (name: string) => Promise<string>) {}

  async get(name: string): Promise<string> {
    const value = await this.lookup(name);
    if (value.length >= MIN_REDACTED_LENGTH) this.values.set(value, name);
    return value;
  }

  async resolve(value: MaybeSecret): Promise<string> {
    if (typeof value === 'string') return value;
    return `${value.prefix ?? ''}${await this.get(value.secret)}`;
  }

  async resolveRecord(record: Record<string, MaybeSecret> | undefined): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(record ?? {})) out[key] = await this.resolve(value);
    return out;
  }

  redactText(text: string): string {
    let out = text;
    // Longest first, so a value containing another is replaced whole.
    for (const [value, name] of [...this.values].sort((a, b) => b[0].length - a[0].length)) {
      if (out.includes(value)) out = out.split(value).join(`[secret:${name}]`);
    }
    return out;
  }

  /** A deep copy of a JSON-like value with every secret value replaced (keys included). */
  redact<T>(value: T): T {
    if (this.values.size === 0) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redactText(k), this.walk(v)]));
    }
    return value;
  }
}
