import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DomainError } from '../src/common/errors/domain.error';
import { ErrorCode } from '../src/common/errors/error-codes';
import { toProblem } from '../src/common/errors/problem-details.filter';
import { ZodPipe } from '../src/common/validation/zod-body.pipe';

describe('problem details', () => {
  it('maps a domain error to its status, code and located errors', () => {
    const problem = toProblem(
      new DomainError(ErrorCode.InvalidPipeline, 'the pipeline document has 1 problem', [
        {
          code: 'unknown-activity',
          message: 'unknown activity',
          path: 'spec.steps[0].uses',
          line: 7,
          column: 11,
        },
      ]),
      '/v1/pipelines',
    );
    expect(problem).toEqual({
      type: 'https://flowgate.dev/problems/invalid_pipeline',
      title: 'Invalid pipeline document',
      status: 400,
      detail: 'the pipeline document has 1 problem',
      code: 'invalid_pipeline',
      instance: '/v1/pipelines',
      errors: [
        {
          code: 'unknown-activity',
          message: 'unknown activity',
          path: 'spec.steps[0].uses',
          line: 7,
          column: 11,
        },
      ],
    });
  });

  it('never leaks the message or stack of an unexpected error', () => {
    const problem = toProblem(
      new Error('password=hunter2 at Pool.connect (/srv/node_modules/pg/lib/index.js:1:1)'),
    );
    expect(problem.status).toBe(500);
    expect(problem.code).toBe('internal');
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(JSON.stringify(problem)).not.toContain('node_modules');
  });

  it('keeps the status of framework errors such as an oversized body', () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(toProblem(tooLarge)).toEqual(expect.objectContaining({ status: 413, code: 'payload_too_large' }));
  });
});

describe('ZodPipe', () => {
  const pipe = new ZodPipe(z.object({ pipeline: z.string(), input: z.object({ n: z.number() }) }).strict());

  it('returns the parsed value', () => {
    expect(pipe.transform({ pipeline: 'p', input: { n: 1 } })).toEqual({ pipeline: 'p', input: { n: 1 } });
  });

  it('reports every issue with its path under body', () => {
    try {
      pipe.transform({ input: { n: 'x' }, extra: true });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      const paths = (err as DomainError).errors.map((e) => e.path).sort();
      expect(paths).toEqual(['body', 'body.input.n', 'body.pipeline']);
    }
  });
});
