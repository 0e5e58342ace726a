import { clip } from '../../clip.js';
import type { ExecutionLogKind, ExecutionLogSignal } from './apigateway-evidence.js';

const MAX_DETAIL_CHARS = 240;

/** The lines API Gateway writes to a stage's execution log when an integration fails. */
const PATTERNS: ReadonlyArray<[string, ExecutionLogKind]> = [
  ['Endpoint request timed out', 'integration_timeout'],
  ['Invalid permissions on Lambda function', 'invoke_denied'],
  ['due to customer function error', 'function_error'],
  ['Execution failed due to', 'integration_error'],
  ['Lambda invocation failed with status', 'integration_error'],
];

// `(0123abcd-…) Endpoint request timed out`: the request ID leads every execution-log line.
const REQUEST_ID = /^\([0-9a-f-]{36}\)\s*/;

/** Groups the execution log's failure lines by kind and text; pure. */
export function scanExecutionLog(messages: readonly string[]): ExecutionLogSignal[] {
  const groups = new Map<string, ExecutionLogSignal>();
  for (const message of messages) {
    const kind = PATTERNS.find(([needle]) => message.includes(needle))?.[1];
    if (!kind) continue;
    const detail = clip(message.replace(REQUEST_ID, ''), MAX_DETAIL_CHARS);
    const key = `${kind}\u0000${detail}`;
    const known = groups.get(key);
    if (known) known.count += 1;
    else groups.set(key, { kind, detail, count: 1 });
  }
  return [...groups.values()];
}
