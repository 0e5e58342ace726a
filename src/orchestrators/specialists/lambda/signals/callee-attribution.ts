import type { LineEntry } from './requests.js';

/**
 * A throttle of an invoke whose own line does not name the callee takes the function an earlier
 * line of the same invocation named ("Invoking arn:…:function:pricing-engine").
 */
export function attributeCallees(entries: readonly LineEntry[], requests: ReadonlyArray<string | null>): readonly LineEntry[] {
  if (!entries.some((entry) => entry.signals.some((s) => s.kind === 'throttled' && !s.subject))) return entries;
  const named = new Map<string, string>();
  return entries.map((entry, index) => {
    const request = requests[index] ?? null;
    if (request !== null && entry.invokes) named.set(request, entry.invokes);
    const callee = request !== null ? named.get(request) : undefined;
    if (!callee || !entry.signals.some((s) => s.kind === 'throttled' && !s.subject)) return entry;
    return { ...entry, signals: entry.signals.map((s) => (s.kind === 'throttled' && !s.subject ? { ...s, subject: callee } : s)) };
  });
}
