import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Permission, Principal } from './principal';

export const IS_PUBLIC = 'flowgate:public';
export const REQUIRED_PERMISSION = 'flowgate:permission';

/** The route needs no API key (health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The route needs this permission. Every non-public route must declare one. */
export const Requires = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);

interface WithPrincipal {
  principal?: Principal;
}

/** The request object behind an HTTP or GraphQL execution context. */
export function requestOf(
  context: ExecutionContext,
): WithPrincipal & { headers: Record<string, string | string[] | undefined> } {
  if (context.getType<string>() === 'graphql') {
    const gqlContext = GqlExecutionContext.create(context).getContext<{
      reply?: { request: unknown };
      req?: unknown;
    }>();
    return (gqlContext.reply?.request ?? gqlContext.req) as WithPrincipal & {
      headers: Record<string, string>;
    };
  }
  return context.switchToHttp().getRequest();
}

/** Injects the authenticated Principal. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = requestOf(context).principal;
    if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
    return principal;
  },
);
