/** How REDIS_URL is read: one server, the sentinels of a replicated one, or the seed nodes of a cluster. */
export const REDIS_MODES = ['standalone', 'sentinel', 'cluster'] as const;
export type RedisMode = (typeof REDIS_MODES)[number];

/** Shown instead of a password wherever a Redis URL is printed. */
const MASK = '***';

/** Text from `from` on as it may be printed: a query or fragment (`?password=…`) masked whole. */
function maskQuery(item: string, from: number): string {
  return from < item.length ? `${item.slice(0, from + 1)}${MASK}` : item;
}

/**
 * One `redis://` or `rediss://` URL with its password and its query masked, read by its shape so
 * that text that is no URL is masked too.
 */
function maskOne(item: string): string {
  const parsed = URL.canParse(item) ? new URL(item) : null;
  const scheme = item.indexOf('://');
  const userStart = scheme < 0 ? 0 : scheme + 3;
  const query = item.slice(userStart).search(/[?#]/);
  const queryStart = query < 0 ? item.length : userStart + query;
  // In a URL that parses, the credentials end before the query. In text that does not, everything
  // between the user's ':' and the last '@' may be the password (it may hold an unencoded '/', '@'
  // or '?'); without a ':', the whole user part is.
  const at = parsed ? (parsed.password ? item.lastIndexOf('@', queryStart) : -1) : item.lastIndexOf('@');
  if (at < 0) return maskQuery(item, queryStart);
  const colon = item.indexOf(':', userStart);
  const secretStart = colon >= 0 && colon < at ? colon + 1 : userStart;
  // A '?' before that '@' may be in the password, or the '@' in a query: all from the first is masked.
  if (at > queryStart) return `${item.slice(0, Math.min(secretStart, queryStart))}${MASK}`;
  return `${item.slice(0, secretStart)}${MASK}${maskQuery(item.slice(at), queryStart - at)}`;
}

/**
 * REDIS_URL as it may be printed: every URL of a list with its password masked, valid or not, so
 * that neither a log line nor an error message carries a password.
 */
export function maskRedisPasswords(urls: string): string {
  return urls
    .split(',')
    .map((item) => maskOne(item.trim()))
    .join(',');
}

/** What a process says it is connected to: the masked URL, with the mode when it is not a single server. */
export function describeRedis(urls: string, mode: RedisMode): string {
  const masked = maskRedisPasswords(urls);
  return mode === 'standalone' ? masked : `${mode} ${masked}`;
}

/**
 * Redis Cluster hashes only the part of a key between the first `{` and the next `}` when that part
 * is not empty: keys sharing it live in one slot.
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open >= 0 && prefix.indexOf('}', open + 1) > open + 1;
}

/** A node of REDIS_URL as ioredis takes it. */
export interface RedisNode {
  host: string;
  port: number;
  username?: string;
  password?: string;
  tls: boolean;
  db: number;
}

/** Each URL of REDIS_URL (already checked by the configuration) as host, port, credentials and TLS. */
export function parseRedisNodes(urls: string): RedisNode[] {
  return urls.split(',').map((item) => {
    const url = new URL(item.trim());
    const node: RedisNode = {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : 6379,
      tls: url.protocol === 'rediss:',
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    };
    if (url.username) node.username = decodeURIComponent(url.username);
    if (url.password) node.password = decodeURIComponent(url.password);
    return node;
  });
}
