// Regenerates libs/dsl/schema/pipeline.schema.json from the zod schema (run after `npx tsc -b libs/dsl`).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { pipelineJsonSchema } = require('../dist/index.js');
const target = fileURLToPath(new URL('../schema/pipeline.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
