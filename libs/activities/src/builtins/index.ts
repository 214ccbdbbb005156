import type { CircuitBreaker } from '../circuit/circuit-breaker';
import type { ActivityDefinition } from '../sdk/define-activity';
import { resolveActivitySettings, type ActivitySettingsOverrides } from '../settings';
import { SqlPoolCache } from '../sql/sql-pools';
import { coreEcho } from './core-echo.activity';
import { createHttpRequestActivity } from './http-request.activity';
import { createLlmChatActivity } from './llm-chat.activity';
import { createNotifyWebhookActivity } from './notify-webhook.activity';
import { createSqlQueryActivity } from './sql-query.activity';
import { textTransform } from './text-transform.activity';

export interface BuiltinServices {
  settings?: ActivitySettingsOverrides;
  /** Shared circuit breaker for outbound calls; none when absent. */
  circuits?: CircuitBreaker;
  /** Pools of `sql.query`; a private cache when absent (close it with `closeBuiltins`). */
  sqlPools?: SqlPoolCache;
}

export interface Builtins {
  definitions: ActivityDefinition[];
  /** Releases what the built-ins hold (SQL pools). */
  close(): Promise<void>;
}

/** The built-in activities wired to their services. */
export function createBuiltins(services: BuiltinServices = {}): Builtins {
  const settings = resolveActivitySettings(services.settings);
  const sqlPools = services.sqlPools ?? new SqlPoolCache({ poolSize: settings.sql.poolSize });
  const http = { circuits: services.circuits };
  const definitions = [
    coreEcho,
    textTransform,
    createHttpRequestActivity(settings, http),
    createLlmChatActivity(settings, http),
    createNotifyWebhookActivity(settings, http),
    createSqlQueryActivity(settings, sqlPools),
  ] as ActivityDefinition[];
  return { definitions, close: () => sqlPools.close() };
}

/**
 * Every built-in activity definition with default settings and no circuit breaker: for the
 * catalog (names and schemas). Workers register `createBuiltins(...)` instead.
 */
export const builtinActivities: readonly ActivityDefinition[] = createBuiltins().definitions;

export { coreEcho, textTransform };
export { httpRequestInput, httpRequestOutput, createHttpRequestActivity } from './http-request.activity';
export { llmChatInput, llmChatOutput, createLlmChatActivity, LLM_ERROR } from './llm-chat.activity';
export {
  notifyWebhookInput,
  notifyWebhookOutput,
  createNotifyWebhookActivity,
} from './notify-webhook.activity';
export {
  sqlQueryInput,
  sqlQueryOutput,
  createSqlQueryActivity,
  SQL_MAX_ROWS_CAP,
} from './sql-query.activity';
