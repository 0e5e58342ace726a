import { errorMessage } from '../../platform/errors.js';
import { idempotencyKey, type Notice } from './notice.js';
import { retryAfterMs } from './retry-after.js';
import type { Sink } from './sink.js';

/** A receiver that takes longer is treated as down (and tried again). */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * `delivered`: a 2xx. `retry`: 429, 5xx or a network failure, worth another try (after `retryAfterMs`
 * when the receiver said so). `undeliverable`: any other answer (4xx, an unfollowed 3xx), which no
 * retry will change.
 */
export type DeliveryOutcome =
  | { outcome: 'delivered'; status: number }
  | { outcome: 'retry'; reason: string; retryAfterMs: number | null }
  | { outcome: 'undeliverable'; status: number; reason: string };

const RETRIED_STATUS = (status: number) => status === 429 || status >= 500;

/** How much of a refusing receiver's body a log line shows. */
const BODY_SHOWN = 200;

/** POSTs the sink's body for the notice as JSON, with the notice's Idempotency-Key; never throws. */
export async function deliver(sink: Sink, notice: Notice, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<DeliveryOutcome> {
  let response: Response;
  try {
    response = await fetch(sink.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey(notice), 'user-agent': 'promptrca-notify' },
      body: JSON.stringify(sink.body(notice)),
      signal: AbortSignal.timeout(timeoutMs),
      // A redirect is an answer like any other non-2xx: not followed, not retried.
      redirect: 'manual',
    });
  } catch (error) {
    // The URLs are checked at start, so what fetch throws is the network: a refused or dropped
    // connection, a timeout, DNS. The receiver may be back later.
    return { outcome: 'retry', reason: errorMessage((error as { cause?: unknown }).cause ?? error), retryAfterMs: null };
  }
  const text = (await response.text().catch(() => '')).slice(0, BODY_SHOWN);
  if (response.ok) return { outcome: 'delivered', status: response.status };
  const reason = `HTTP ${response.status}${text ? `: ${text}` : ''}`;
  if (RETRIED_STATUS(response.status)) return { outcome: 'retry', reason, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
  return { outcome: 'undeliverable', status: response.status, reason };
}
