import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface RegistrationResult {
  file: string;
  ok: boolean;
  detail: string;
}

/** Every pipeline file under `dir`, recursively, in a stable order. */
function pipelineFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return pipelineFiles(full);
      return /\.(ya?ml|json)$/.test(name) ? [full] : [];
    });
}

async function register(
  gatewayUrl: string,
  apiKey: string,
  file: string,
): Promise<{ ok: boolean; detail: string }> {
  const res = await fetch(`${gatewayUrl}/v1/pipelines`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': file.endsWith('.json') ? 'application/json' : 'application/yaml',
    },
    body: readFileSync(file, 'utf8'),
    signal: AbortSignal.timeout(15_000),
  });
  const payload = (await res.json()) as {
    name?: string;
    version?: number;
    detail?: string;
    errors?: { message: string; path: string }[];
  };
  if (res.ok) return { ok: true, detail: `${payload.name}@${payload.version}` };
  const errors = payload.errors?.map((e) => `${e.path} ${e.message}`).join('; ');
  return { ok: false, detail: `${payload.detail ?? res.status}${errors ? `: ${errors}` : ''}` };
}

/**
 * Registers every pipeline file under `dir` through the gateway's REST API. Parents need their
 * sub-pipelines registered first, so files that fail are retried while a pass makes progress.
 */
export async function registerExamples(
  gatewayUrl: string,
  apiKey: string,
  dir: string,
): Promise<RegistrationResult[]> {
  let pending = pipelineFiles(dir);
  const results: RegistrationResult[] = [];
  for (;;) {
    const failed: { file: string; detail: string }[] = [];
    for (const file of pending) {
      const outcome = await register(gatewayUrl, apiKey, file);
      if (outcome.ok) results.push({ file: relative(dir, file), ...outcome });
      else failed.push({ file, detail: outcome.detail });
    }
    if (failed.length === 0 || failed.length === pending.length) {
      results.push(...failed.map((f) => ({ file: relative(dir, f.file), ok: false, detail: f.detail })));
      return results;
    }
    pending = failed.map((f) => f.file);
  }
}
