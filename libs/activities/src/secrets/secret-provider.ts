import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';

/** Resolves secrets by name. Values never enter workflow history: only names do. */
export interface SecretProvider {
  get(name: string): Promise<string>;
}

export const SECRET_NOT_FOUND = 'SecretNotFound';

/** Secret names: a letter, then letters, digits, `_`, `.` or `-` (at most 128 characters). */
export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

function assertName(name: string): void {
  if (!SECRET_NAME.test(name)) {
    throw ApplicationFailure.create({
      type: 'InvalidSecretName',
      message: `invalid secret name '${name}'`,
      nonRetryable: true,
    });
  }
}

function notFound(name: string, where: string): never {
  throw ApplicationFailure.create({
    type: SECRET_NOT_FOUND,
    message: `secret '${name}' not found in ${where}`,
    nonRetryable: true,
  });
}

/** Secrets from environment variables `FLOWGATE_SECRET_<NAME>` (name upper-cased, `.`/`-` → `_`). */
export class EnvSecretProvider implements SecretProvider {
  constructor(private readonly env: Record<string, string | undefined> = process.env) {}

  async get(name: string): Promise<string> {
    assertName(name);
    const variable = `FLOWGATE_SECRET_${name.toUpperCase().replace(/[.-]/g, '_')}`;
    const value = this.env[variable];
    return value ?? notFound(name, `the environment (${variable})`);
  }
}

/** Secrets from files in a directory, one file per secret (Kubernetes secret volume layout). */
export class FileSecretProvider implements SecretProvider {
  constructor(private readonly dir: string) {}

  async get(name: string): Promise<string> {
    assertName(name);
    try {
      return (await readFile(join(this.dir, name), 'utf8')).replace(/\r?\n$/, '');
    } catch {
      return notFound(name, `directory ${this.dir}`);
    }
  }
}
