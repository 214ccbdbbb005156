/**
 * Glob patterns of policies (activity names, pipeline names, tenants, hosts): `*` matches any
 * run of characters (dots included), `?` exactly one; everything else is literal. Matching is
 * case-insensitive. `*.example.com` matches `api.example.com` but not `example.com`.
 */
const cache = new Map<string, RegExp>();
const MAX_CACHE = 5_000;

export function globToRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  re = new RegExp(`^${body}$`, 'i');
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(pattern, re);
  return re;
}

export function globMatch(pattern: string, value: string): boolean {
  return globToRegExp(pattern).test(value);
}

/** The first pattern of the list matching the value, if any. */
export function firstMatch(patterns: readonly string[] | undefined, value: string): string | undefined {
  return patterns?.find((p) => globMatch(p, value));
}
