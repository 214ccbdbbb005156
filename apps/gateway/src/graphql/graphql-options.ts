import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import type { ApiKeyVerifier } from '../auth/api-key-verifier.service';
import { graphqlErrorFormatter } from '../common/errors/graphql-error.formatter';
import type { GatewayConfig } from '../config/gateway.config';
import { refuseNonDocuments } from './non-document.hook';
import { queryLimitsRule } from './query-limits';

/** The token of a graphql-ws `connection_init` payload (`authorization: Bearer …`, `apiKey`, or `headers`). */
export function connectionToken(payload: unknown): string | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const p = payload as Record<string, unknown>;
  const headers = (typeof p.headers === 'object' && p.headers ? p.headers : {}) as Record<string, unknown>;
  const auth = p.authorization ?? p.Authorization ?? headers.authorization ?? headers.Authorization;
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  const key = p.apiKey ?? p['x-api-key'] ?? headers['x-api-key'];
  return typeof key === 'string' ? key.trim() : undefined;
}

/**
 * GraphQL over mercurius: `/graphql` for queries and mutations, graphql-ws (WebSocket, both the
 * `graphql-transport-ws` and legacy protocols) for subscriptions. Depth and complexity limits
 * are validation rules: an abusive operation is refused before any resolver runs.
 */
export function graphqlOptions(config: GatewayConfig, verifier: ApiKeyVerifier): MercuriusDriverConfig {
  const limits = {
    maxDepth: config.FLOWGATE_GRAPHQL_MAX_DEPTH,
    maxComplexity: config.FLOWGATE_GRAPHQL_MAX_COMPLEXITY,
  };
  return {
    driver: MercuriusDriver,
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: false,
    path: '/graphql',
    errorFormatter: graphqlErrorFormatter,
    // A static rule list keeps mercurius's parse/validate cache: `first: $variable` is costed at the maximum page (100).
    validationRules: [queryLimitsRule(limits)],
    hooks: { preValidation: refuseNonDocuments },
    subscription: {
      // The key may come in the WebSocket upgrade request's headers or in connection_init.
      context: (_socket: unknown, request: { headers: Record<string, unknown> }) => ({
        req: { headers: { ...request.headers } },
      }),
      onConnect: async ({ payload }: { payload: unknown }) => {
        const token = connectionToken(payload);
        if (token === undefined) return true; // the upgrade request's header, checked per subscription
        if (!(await verifier.verify(token))) return false;
        return { req: { headers: { authorization: `Bearer ${token}` } } };
      },
    },
  } as MercuriusDriverConfig;
}
