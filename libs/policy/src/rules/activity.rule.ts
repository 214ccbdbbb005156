import type { ActivityRule } from '../document/policy.schema';
import { firstMatch } from '../util/glob';
import { compliant, violation, type Finding } from './finding';

/** activity allow/deny: a deny pattern wins; with an allow list, anything not on it is denied. */
export function checkActivity(rule: ActivityRule, activity: string, stepPath?: string): Finding {
  const where = { activity, ...(stepPath ? { stepPath } : {}) };
  const denied = firstMatch(rule.deny, activity);
  if (denied) return violation(`activity '${activity}' matches deny pattern '${denied}'`, where);
  if (rule.allow && !firstMatch(rule.allow, activity)) {
    return violation(`activity '${activity}' is not allowed (allowed: ${rule.allow.join(', ')})`, where);
  }
  return compliant(`activity '${activity}' is allowed`, where);
}
