import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { DomainError } from '../errors/domain.error';
import { ErrorCode } from '../errors/error-codes';

/** Validates a request part against a zod schema; every issue is reported with its path. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly where: 'body' | 'query' | 'params' = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new DomainError(
      ErrorCode.ValidationFailed,
      `invalid request ${this.where}`,
      result.error.issues.map((i) => ({
        code: i.code,
        path: [this.where, ...i.path.map(String)].join('.'),
        message: i.message,
      })),
    );
  }
}
