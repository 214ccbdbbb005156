import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { ApiKeysRepository, createPool, generateApiKey, parseApiKey } from '@flowgate/store';

/**
 * The development admin API key: kept in `<home>/dev-admin-key` (mode 600) and registered in the
 * database, so the same key keeps working across restarts of the same stack.
 */
export async function ensureDevAdminKey(databaseUrl: string, file: string): Promise<string> {
  const pool = createPool(databaseUrl, { max: 1 });
  try {
    const keys = new ApiKeysRepository(pool);
    if (existsSync(file)) {
      const token = readFileSync(file, 'utf8').trim();
      const parsed = parseApiKey(token);
      if (parsed && (await keys.findByPrefix(parsed.prefix))) return token;
    }
    const key = await generateApiKey();
    await keys.insert({
      prefix: key.prefix,
      hash: key.hash,
      name: 'dev-admin',
      tenant: 'default',
      role: 'admin',
    });
    writeFileSync(file, `${key.token}\n`, { mode: 0o600 });
    return key.token;
  } finally {
    await pool.end();
  }
}
