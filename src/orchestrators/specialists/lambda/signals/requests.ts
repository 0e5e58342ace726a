import type { InvocationReport, LogLine } from '../evidence.js';
import type { SignalMatch } from './log-patterns.js';

/** What the scan found in one line, with what the request passes need. */
export interface LineEntry {
  signals: SignalMatch[];
  report: InvocationReport | null;
  /** The line announces a retry: `Retrying … attempt 2`, urllib3's `Retry(total=…)`, an SDK's "Will retry". */
  retry: boolean;
  /** The function the line names as invoked, if any. */
  invokes: string | null;
}

const TEXT_START = /^START RequestId: ([\w-]+)/;
const JSON_START = /"type"\s*:\s*"platform\.start"/;
const JSON_REQUEST_ID = /"requestId"\s*:\s*"([\w-]+)"/;
const TEXT_REPORT = /^REPORT RequestId: /;
const JSON_REPORT = /"type"\s*:\s*"platform\.report"/;

function startedRequest(message: string): string | null {
  const text = TEXT_START.exec(message)?.[1];
  if (text) return text;
  return JSON_START.test(message) ? (JSON_REQUEST_ID.exec(message)?.[1] ?? null) : null;
}

/**
 * The invocation each line belongs to: an execution environment runs one invocation at a time and
 * writes it to its own stream, so a line belongs to the request its stream last STARTed, up to and
 * including that request's REPORT. Null outside any request (init lines, a window cut mid-way).
 */
export function requestOfLines(lines: readonly LogLine[]): Array<string | null> {
  const current = new Map<string, string>();
  return lines.map(({ logStream = '', message }) => {
    const stream = logStream;
    const started = startedRequest(message);
    if (started) current.set(stream, started);
    const request = current.get(stream);
    if (TEXT_REPORT.test(message) || JSON_REPORT.test(message)) current.delete(stream);
    return request === undefined ? null : `${stream}\u0000${request}`;
  });
}
