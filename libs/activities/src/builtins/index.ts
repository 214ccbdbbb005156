import type { ActivityDefinition } from '../sdk/define-activity';
import { coreEcho } from './core-echo.activity';
import { textTransform } from './text-transform.activity';

/** Every built-in activity definition. */
export const builtinActivities: readonly ActivityDefinition[] = [coreEcho, textTransform] as ActivityDefinition[];
