import { describe, expect, it } from 'vitest';
import { EnvSecretProvider, SecretScope, secretRefSchema } from '../src/index';

describe('SecretScope', () => {
  const provider = new EnvSecretProvider({
    FLOWGATE_SECRET_CRM_TOKEN: 's3cr3t-value',
    FLOWGATE_SECRET_PIN: '12',
  });
  const scope = () => new SecretScope((name) => provider.get(name));

  it('resolves strings as is and references with their prefix', async () => {
    const s = scope();
    expect(await s.resolve('plain')).toBe('plain');
    expect(
      await s.resolveRecord({ a: 'x', authorization: { secret: 'crm-token', prefix: 'Bearer ' } }),
    ).toEqual({
      a: 'x',
      authorization: 'Bearer s3cr3t-value',
    });
  });

  it('redacts every resolved value from outputs, keys and error texts', async () => {
    const s = scope();
    await s.get('crm-token');
    expect(
      s.redact({ echo: 'Bearer s3cr3t-value', list: ['s3cr3t-values'], 's3cr3t-value': 1, n: 3, nil: null }),
    ).toEqual({
      echo: 'Bearer [secret:crm-token]',
      list: ['[secret:crm-token]s'],
      '[secret:crm-token]': 1,
      n: 3,
      nil: null,
    });
    expect(s.redactText('failed with s3cr3t-value')).toBe('failed with [secret:crm-token]');
  });

  it('leaves values too short to redact alone', async () => {
    const s = scope();
    await s.get('pin');
    expect(s.redact({ a: '12 and 123' })).toEqual({ a: '12 and 123' });
  });

  it('accepts only names in references', () => {
    expect(secretRefSchema.safeParse({ secret: 'crm-token' }).success).toBe(true);
    expect(secretRefSchema.safeParse({ secret: 'has space' }).success).toBe(false);
    expect(secretRefSchema.safeParse({ secret: 'x', value: 'inline' }).success).toBe(false);
  });
});
