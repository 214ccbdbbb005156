import { type ActivityCatalog, type ActivityInfo } from '../src';

/** The activities the examples use, some with input schemas. */
export const activities: ActivityInfo[] = [
  {
    name: 'http.request',
    inputSchema: {
      type: 'object',
      required: ['url'],
      properties: {
        url: { type: 'string', format: 'uri' },
        method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
        headers: { type: 'object', additionalProperties: { type: 'string' } },
        body: {},
      },
      additionalProperties: false,
    },
  },
  {
    name: 'llm.chat',
    inputSchema: {
      type: 'object',
      required: ['prompt'],
      properties: {
        model: { type: 'string' },
        prompt: { type: 'string' },
        system: { type: 'string' },
        temperature: { type: 'number', minimum: 0, maximum: 2 },
        json: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
  { name: 'notify.webhook' },
  {
    name: 'sql.query',
    inputSchema: {
      type: 'object',
      required: ['query'],
      properties: { query: { type: 'string' }, params: { type: 'array' } },
      additionalProperties: false,
    },
  },
  { name: 'core.echo' },
  {
    name: 'text.transform',
    inputSchema: {
      type: 'object',
      required: ['text', 'op'],
      properties: { text: { type: 'string' }, op: { enum: ['upper', 'lower', 'trim'] } },
    },
  },
];

export const catalog: ActivityCatalog = new Map(activities.map((a) => [a.name, a]));

/** A document around some step YAML (indented by 4 spaces under `steps:`); line 6 is the first step line. */
export function withSteps(stepsYaml: string, extraSpec = ''): string {
  return [
    'apiVersion: flowgate/v1',
    'kind: Pipeline',
    'metadata: { name: t, version: 1 }',
    'spec:',
    '  steps:',
    stepsYaml.replace(/^\n/, '').replace(/\s+$/, ''),
    extraSpec,
  ].join('\n');
}
