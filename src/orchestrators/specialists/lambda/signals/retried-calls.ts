import type { SignalKind } from '../evidence.js';
import type { LineEntry } from './requests.js';

const RETRY_NOTICE = /\bretrying\b|\bwill retry\b|\bretry needed\b|\bRetry\(total=|\battempt (?:number |#)?[2-9]\b/i;

export function isRetryNotice(text: string): boolean {
  return text.includes('etry') || text.includes('ttempt') ? RETRY_NOTICE.test(text) : false;
}

/** Kinds of a call to a dependency, which a retry can make good. */
const RETRIABLE: ReadonlySet<SignalKind> = new Set([
  'downstream_throttled',
  'downstream_http_error',
  'downstream_timeout',
  'downstream_unavailable',
  'throttled',
]);
const FAILED_STATUSES = new Set(['error', 'failure', 'timeout']);
export const RECOVERED_PREFIX = 'retried, then succeeded: ';

function groupByRequest(requests: ReadonlyArray<string | null>): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const [index, request] of requests.entries()) {
    if (request === null) continue;
    const group = groups.get(request);
    if (group) group.push(index);
    else groups.set(request, [index]);
  }
  return groups;
}

/** The index of the last retry notice of an invocation that then succeeded, or null. */
function succeededAfterRetry(entries: readonly LineEntry[], indices: readonly number[]): number | null {
  const reports = indices.map((index) => entries[index]?.report).filter((report) => report != null);
  const report = reports[reports.length - 1];
  if (!report || FAILED_STATUSES.has(report.status ?? '')) return null;
  const retries = indices.filter((index) => entries[index]?.retry);
  const lastRetry = retries[retries.length - 1];
  if (lastRetry === undefined) return null;
  const failedLater = indices.some((index) => index > lastRetry && entries[index]?.signals.some((s) => s.kind !== 'warning'));
  return failedLater ? null : lastRetry;
}

/**
 * A dependency error that was retried within an invocation which then succeeded did not fail that
 * invocation: its signals become warnings ("retried, then succeeded: …"), which support no cause.
 * The invocation succeeded when its REPORT states no error or timeout and nothing failed after the
 * last retry notice. Changed entries are new objects; the input is left as it was.
 */
export function recoverRetriedCalls(entries: readonly LineEntry[], requests: ReadonlyArray<string | null>): readonly LineEntry[] {
  // Most windows hold no retry of a failed call: nothing to group then.
  if (!entries.some((entry) => entry.retry) || !entries.some((entry) => entry.signals.some((s) => RETRIABLE.has(s.kind)))) {
    return entries;
  }
  const result = [...entries];
  for (const indices of groupByRequest(requests).values()) {
    const lastRetry = succeededAfterRetry(entries, indices);
    if (lastRetry === null) continue;
    for (const index of indices.filter((i) => i <= lastRetry)) {
      const entry = result[index];
      if (!entry?.signals.some((s) => RETRIABLE.has(s.kind))) continue;
      result[index] = {
        ...entry,
        signals: entry.signals.map((s) => (RETRIABLE.has(s.kind) ? { kind: 'warning', detail: `${RECOVERED_PREFIX}${s.detail}` } : s)),
      };
    }
  }
  return result;
}
