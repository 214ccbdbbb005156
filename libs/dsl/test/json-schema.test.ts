import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { pipelineJsonSchema } from '../src';

const SCHEMA_FILE = join(__dirname, '../schema/pipeline.schema.json');

function exampleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? exampleFiles(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : [],
  );
}

describe('pipelineJsonSchema', () => {
  const schema = pipelineJsonSchema();

  it('matches the committed libs/dsl/schema/pipeline.schema.json (run `node libs/dsl/scripts/write-json-schema.mjs` after a build to refresh it)', () => {
    const committed: unknown = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
    expect(committed).toEqual(schema);
  });

  it('is a draft-07 schema with the step union and strict objects', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    const defs = schema.definitions as Record<
      string,
      { anyOf?: unknown[]; additionalProperties?: boolean; required?: string[] }
    >;
    expect(defs.Step?.anyOf).toHaveLength(11);
    expect(defs.UsesStep?.additionalProperties).toBe(false);
    expect(defs.UsesStep?.required).toEqual(['id', 'uses']);
  });

  it('accepts every example and rejects an unknown key (as an editor would)', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    for (const file of exampleFiles(join(__dirname, '../../../examples'))) {
      const doc: unknown = parseYaml(readFileSync(file, 'utf8'));
      expect({ file, ok: validate(doc), errors: validate.errors ?? null }).toEqual({
        file,
        ok: true,
        errors: null,
      });
    }
    const bad = {
      apiVersion: 'flowgate/v1',
      kind: 'Pipeline',
      metadata: { name: 'x', version: 1 },
      spec: { steps: [{ id: 'a', uses: 'core.echo', retires: 3 }] },
    };
    expect(validate(bad)).toBe(false);
  });
});
