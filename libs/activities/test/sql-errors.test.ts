import { describe, expect, it } from 'vitest';
import { classifySqlError, SQL_ERROR, sqlFailure } from '../src/index';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('classifySqlError', () => {
  it.each([
    ['57014', SQL_ERROR.timeout, true],
    ['40001', SQL_ERROR.transient, true],
    ['40P01', SQL_ERROR.transient, true],
    ['55P03', SQL_ERROR.transient, true],
    ['08006', SQL_ERROR.connection, true],
    ['53300', SQL_ERROR.connection, true],
    ['57P01', SQL_ERROR.connection, true],
    ['28P01', SQL_ERROR.auth, false],
    ['42601', SQL_ERROR.statement, false],
    ['42P01', SQL_ERROR.statement, false],
    ['23505', SQL_ERROR.statement, false],
    ['22P02', SQL_ERROR.statement, false],
  ] as const)('SQLSTATE %s is %s (retryable %s)', (code, type, retryable) => {
    expect(classifySqlError(pgError(code))).toEqual({ type, retryable, sqlState: code });
  });

  it('treats socket errors and lost connections as retryable connection errors', () => {
    expect(classifySqlError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toEqual({
      type: SQL_ERROR.connection,
      retryable: true,
    });
    expect(classifySqlError(new Error('Connection terminated unexpectedly')).type).toBe(SQL_ERROR.connection);
  });

  it('builds the failure with the SQLSTATE in details', () => {
    const f = sqlFailure(pgError('42601'), 'syntax error');
    expect([f.type, f.nonRetryable, f.details]).toEqual([SQL_ERROR.statement, true, [{ sqlState: '42601' }]]);
  });
});
