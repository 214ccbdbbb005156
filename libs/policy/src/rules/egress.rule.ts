import { splitTemplate, type Template } from '@flowgate/dsl';
import { DEFAULT_EGRESS_ACTIVITIES, type EgressRule } from '../document/policy.schema';
import { firstMatch } from '../util/glob';
import { compliant, violation, type Finding } from './finding';

export const egressConcerns = (rule: EgressRule, activity: string): boolean =>
  firstMatch(rule.activities ?? DEFAULT_EGRESS_ACTIVITIES, activity) !== undefined;

/** Host of an absolute http(s) URL, lowercased; undefined if it is not one. */
export function hostOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.hostname.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The host of a URL template when it is known before the run: a literal URL, or a template whose
 * literal start already holds `scheme://host` followed by `/`, `:`, `?` or `#`.
 */
export function staticHost(template: string): { host?: string; dynamic: boolean } {
  let parts;
  try {
    parts = splitTemplate(template);
  } catch {
    return { dynamic: true };
  }
  if (parts.every((p) => p.kind === 'text')) {
    const host = hostOf(parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''));
    return host ? { host, dynamic: false } : { dynamic: false };
  }
  const first = parts[0];
  if (first?.kind === 'text') {
    const m = /^(https?):\/\/([^/:?#]+)[/:?#]/i.exec(first.text);
    if (m) return { host: m[2]!.toLowerCase(), dynamic: false };
  }
  return { dynamic: true };
}

function checkHost(rule: EgressRule, host: string, where: Omit<Finding, 'violated' | 'reason'>): Finding {
  return firstMatch(rule.allowHosts, host)
    ? compliant(`host '${host}' is allowed`, where)
    : violation(`egress to host '${host}' is not allowed (allowed: ${rule.allowHosts.join(', ')})`, where);
}

/** Admission: the `with.<urlField>` template of a step. */
export function checkEgressTemplate(
  rule: EgressRule,
  activity: string,
  withTemplate: Template,
  stepPath: string,
): Finding {
  const where = { activity, stepPath };
  const field = rule.urlField;
  if (typeof withTemplate === 'string') {
    return rule.dynamicUrls === 'deny'
      ? violation(`the URL of '${activity}' is computed at run time and dynamic URLs are denied`, where)
      : compliant(`the URL is computed at run time; checked at dispatch`, where);
  }
  const value =
    withTemplate && typeof withTemplate === 'object' && !Array.isArray(withTemplate)
      ? withTemplate[field]
      : undefined;
  if (typeof value !== 'string') {
    return rule.dynamicUrls === 'deny'
      ? violation(`'with.${field}' of '${activity}' is not a literal URL and dynamic URLs are denied`, where)
      : compliant(`'with.${field}' is not a literal; checked at dispatch`, where);
  }
  const { host, dynamic } = staticHost(value);
  if (host) return checkHost(rule, host, where);
  if (!dynamic) return violation(`'with.${field}' is not an absolute http(s) URL: '${value}'`, where);
  return rule.dynamicUrls === 'deny'
    ? violation(`the host of 'with.${field}' depends on run data and dynamic URLs are denied`, where)
    : compliant(`the host of 'with.${field}' depends on run data; checked at dispatch`, where);
}

/** Dispatch: the evaluated URL argument. */
export function checkEgressArgs(
  rule: EgressRule,
  activity: string,
  args: unknown,
  stepPath: string,
): Finding {
  const where = { activity, stepPath };
  const value =
    args && typeof args === 'object' && !Array.isArray(args)
      ? (args as Record<string, unknown>)[rule.urlField]
      : undefined;
  if (typeof value !== 'string')
    return violation(`'${rule.urlField}' of '${activity}' is missing or not a string`, where);
  const host = hostOf(value);
  if (!host) return violation(`'${rule.urlField}' of '${activity}' is not an absolute http(s) URL`, where);
  return checkHost(rule, host, where);
}
