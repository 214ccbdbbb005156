import { describe, expect, it } from 'vitest';
import { CliError, GatewayProblemError, GatewayUnreachableError, UsageError } from '../src/client/errors';
import { ExitCode, exitCodeForHttp } from '../src/client/exit-codes';
import { describeError, errorJson } from '../src/client/output';

describe('exit codes', () => {
  it('maps gateway answers: 0 ok, 1 failure, 2 usage/validation, 3 unreachable, 4 auth', () => {
    expect(exitCodeForHttp(400, 'validation_failed')).toBe(ExitCode.Usage);
    expect(exitCodeForHttp(400, 'invalid_pipeline')).toBe(ExitCode.Usage);
    expect(exitCodeForHttp(400, 'invalid_input')).toBe(ExitCode.Usage);
    expect(exitCodeForHttp(413, 'payload_too_large')).toBe(ExitCode.Usage);
    expect(exitCodeForHttp(401, 'unauthenticated')).toBe(ExitCode.Auth);
    expect(exitCodeForHttp(403, 'forbidden')).toBe(ExitCode.Auth);
    expect(exitCodeForHttp(403, 'policy_denied')).toBe(ExitCode.Failure);
    expect(exitCodeForHttp(404, 'not_found')).toBe(ExitCode.Failure);
    expect(exitCodeForHttp(409, 'conflict')).toBe(ExitCode.Failure);
    expect(exitCodeForHttp(429, 'rate_limited')).toBe(ExitCode.Failure);
    expect(exitCodeForHttp(500, 'internal')).toBe(ExitCode.Failure);
    expect(exitCodeForHttp(503, 'unavailable')).toBe(ExitCode.Unreachable);
    expect(exitCodeForHttp(502)).toBe(ExitCode.Failure);
  });

  it('gives each error class its code', () => {
    expect(new UsageError('x').exitCode).toBe(2);
    expect(new GatewayUnreachableError('http://h:1', 'connection refused', 'environment').exitCode).toBe(3);
    expect(new GatewayProblemError(401, { code: 'unauthenticated' }, 'GET', '/v1/runs/x').exitCode).toBe(4);
    expect(new CliError('stopped', ExitCode.Interrupted).exitCode).toBe(130);
  });

  it('tells a missing route (an older gateway) from a missing run', () => {
    const route = new GatewayProblemError(
      404,
      { code: 'not_found', title: 'Not found', detail: 'Cannot POST /v1/runs/x/cancel' },
      'POST',
      '/v1/runs/x/cancel',
    );
    expect(route.routeMissing).toBe(true);
    expect(route.message).toBe(
      'this gateway does not offer POST /v1/runs/x/cancel (is it an older version?)',
    );
    const run = new GatewayProblemError(
      404,
      { code: 'not_found', title: 'Not found', detail: 'no run x' },
      'GET',
      '/v1/runs/x',
    );
    expect(run.routeMissing).toBe(false);
    expect(run.message).toBe('Not found [not_found]: no run x');
  });
});

describe('error messages', () => {
  it('prints problem+json readably, with every listed error and a file position when known', () => {
    const error = new GatewayProblemError(
      400,
      {
        title: 'Invalid pipeline document',
        status: 400,
        code: 'invalid_pipeline',
        detail: 'the pipeline document has 2 problems',
        errors: [
          {
            code: 'unknown-activity',
            message: "unknown activity 'x'",
            path: 'spec.steps[0].uses',
            line: 9,
            column: 11,
          },
          { code: 'schema', message: 'must be a duration', path: 'spec.steps[1].wait.duration' },
        ],
      },
      'POST',
      '/v1/pipelines',
    );
    expect(describeError(error, 'p.yaml')).toEqual({
      exitCode: 2,
      lines: [
        'error: Invalid pipeline document [invalid_pipeline]: the pipeline document has 2 problems',
        "  p.yaml:9:11 unknown-activity unknown activity 'x' (at spec.steps[0].uses)",
        '  spec.steps[1].wait.duration: must be a duration',
      ],
    });
  });

  it('explains unreachable gateways and auth failures without a stack trace', () => {
    const down = describeError(
      new GatewayUnreachableError('http://127.0.0.1:3000', 'connection refused', 'default'),
    );
    expect(down.exitCode).toBe(3);
    expect(down.lines[0]).toBe(
      'error: cannot reach the Flowgate gateway at http://127.0.0.1:3000 (connection refused)',
    );
    expect(down.lines[1]).toBe('  the URL came from the default; is the gateway running?');
    const auth = describeError(
      new GatewayProblemError(401, { title: 'Unauthenticated', code: 'unauthenticated' }, 'GET', '/v1/runs'),
    );
    expect(auth.exitCode).toBe(4);
    expect(auth.lines.join('\n')).toContain('--api-key, FLOWGATE_API_KEY');
    const bug = describeError(new TypeError('boom'));
    expect(bug).toEqual({ exitCode: 1, lines: ['error: boom'] });
  });

  it('has a JSON form for --json', () => {
    expect(
      errorJson(
        new GatewayProblemError(409, { code: 'conflict', title: 'Conflict' }, 'POST', '/v1/pipelines'),
      ),
    ).toEqual({
      error: { code: 'conflict', title: 'Conflict', status: 409 },
      exitCode: 1,
    });
    expect(errorJson(new UsageError('bad', ['one']))).toEqual({
      error: { message: 'bad', details: ['one'] },
      exitCode: 2,
    });
  });
});
