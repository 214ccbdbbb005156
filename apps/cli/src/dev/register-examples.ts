import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RegistrationResult {
  file: string;
  ok: boolean;
  detail: string;
}

/** Files of a directory in dependency order: child pipelines (no `pipeline:` steps) first. */
function orderedPipelineFiles(dir: string): string[] {
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  const usesChildren = (f: string) => /^\s*(-\s+)?pipeline:\s/m.test(readFileSync(join(dir, f), 'utf8'));
  return [...files.filter((f) => !usesChildren(f)), ...files.filter(usesChildren)];
}

/** Registers every pipeline file of `dir` through the gateway's REST API. */
export async function registerExamples(
  gatewayUrl: string,
  apiKey: string,
  dir: string,
): Promise<RegistrationResult[]> {
  const results: RegistrationResult[] = [];
  for (const file of orderedPipelineFiles(dir)) {
    const body = readFileSync(join(dir, file), 'utf8');
    const res = await fetch(`${gatewayUrl}/v1/pipelines`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        'content-type': file.endsWith('.json') ? 'application/json' : 'application/yaml',
      },
      body,
      signal: AbortSignal.timeout(15_000),
    });
    const payload = (await res.json()) as {
      name?: string;
      version?: number;
      detail?: string;
      errors?: { message: string; path: string }[];
    };
    results.push(
      res.ok
        ? { file, ok: true, detail: `${payload.name}@${payload.version}` }
        : {
            file,
            ok: false,
            detail: `${payload.detail ?? res.status}${payload.errors ? `: ${payload.errors.map((e) => `${e.path} ${e.message}`).join('; ')}` : ''}`,
          },
    );
  }
  return results;
}
