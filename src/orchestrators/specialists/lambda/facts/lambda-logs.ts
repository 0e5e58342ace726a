import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AWS_SERVICES, type AwsClients } from '../../../aws/clients.js';
import { type FactToolOptions, runFactCall } from '../../../facts/fact-call.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, MAX_MESSAGE_CHARS } from '../../../facts/log-limits.js';
import type { LogLine } from '../evidence.js';
import { isOwnLogEvent } from '../signals/own-log-events.js';

/** Pages may come back empty while a token remains; this bounds a long walk over a quiet log group. */
export const DEFAULT_MAX_PAGES = 100;

export interface LambdaLogsQuery extends FactToolOptions {
  logGroup: string;
  /** Epoch milliseconds. */
  startTime: number;
  endTime: number;
  filterPattern?: string;
  /**
   * Set for a log group other than the function's own: events of other functions sharing it are
   * skipped as they are read, so they count against no cap. Default: every event is kept.
   */
  onlyFunction?: string;
  maxEvents?: number;
  maxBytes?: number;
  maxPages?: number;
}

export interface LambdaLogs {
  lines: LogLine[];
  /** True when a cap stopped the walk before the window was read to its end. */
  truncated: boolean;
}

function truncateMessage(message: string): string {
  return message.length > MAX_MESSAGE_CHARS ? `${message.slice(0, MAX_MESSAGE_CHARS)}…[truncated]` : message;
}

/**
 * FilterLogEvents over the window, page by page, kept within `maxEvents` lines and `maxBytes` of
 * message text so that a log group of millions of lines cannot exhaust the worker's memory.
 */
export async function fetchLambdaLogs(clients: AwsClients, query: LambdaLogsQuery): Promise<LambdaLogs> {
  const maxEvents = query.maxEvents ?? DEFAULT_MAX_EVENTS;
  const maxBytes = query.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxPages = query.maxPages ?? DEFAULT_MAX_PAGES;
  const lines: LogLine[] = [];
  let bytes = 0;
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page += 1) {
    // No `limit`: the caps are applied here, so a recording stays valid when they change.
    const command = new FilterLogEventsCommand({
      logGroupName: query.logGroup,
      startTime: query.startTime,
      endTime: query.endTime,
      filterPattern: query.filterPattern,
      nextToken,
    });
    const answer = await runFactCall(
      { service: AWS_SERVICES.logs.name, command: 'FilterLogEvents', timeoutMs: query.timeoutMs },
      (options) => clients.logs.send(command, options),
    );
    // The token it was sent, handed back, marks the page just read: a replay whose recording holds
    // fewer pages than the real walk had. Reading it again would only duplicate its lines.
    if (nextToken !== undefined && answer.nextToken === nextToken) return { lines, truncated: false };
    for (const event of answer.events ?? []) {
      if (query.onlyFunction && !isOwnLogEvent(query.onlyFunction, event.logStreamName, event.message ?? '')) continue;
      const message = truncateMessage(event.message ?? '');
      const size = Buffer.byteLength(message);
      if (lines.length >= maxEvents || bytes + size > maxBytes) return { lines, truncated: true };
      lines.push({ timestamp: event.timestamp ?? 0, message, logStream: event.logStreamName });
      bytes += size;
    }
    if (!answer.nextToken) return { lines, truncated: false };
    if (lines.length >= maxEvents) return { lines, truncated: true };
    nextToken = answer.nextToken;
  }
  return { lines, truncated: true };
}
