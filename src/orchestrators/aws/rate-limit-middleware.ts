import { setTimeout as sleep } from 'node:timers/promises';
import type { FinalizeRequestMiddleware, MiddlewareStack } from '@smithy/types';
import type { Rate, RateLimiter } from '../../platform/rate-limiter.js';
import { RateLimitWaitError } from '../errors.js';
import { type AwsRateLimits, quotaOf } from './aws-rate-limits.js';
import { msToCallDeadline } from './call-deadline.js';

/** How long a call sent outside any fact call's deadline may wait for its turn. */
const DEFAULT_MAX_WAIT_MS = 30_000;

export interface FleetRateLimit {
  limiter: RateLimiter;
  limits: AwsRateLimits;
  /** Whose quotas: `<account>:<region>`. */
  scope: string;
}

/**
 * Books a turn and waits for it. A process that wakes up late (its event loop busy, the machine
 * loaded) would send its call together with those booked after it: a turn missed by more than half
 * the spacing is given up and another booked.
 */
async function awaitTurn(fleet: FleetRateLimit, quota: string, rate: Rate): Promise<void> {
  const lateMs = 500 / rate.perSecond;
  for (;;) {
    // From the asking: an answer that took long to arrive makes the turn late too.
    const askedAt = Date.now();
    const wait = await fleet.limiter.reserve(`aws:${fleet.scope}`, [{ bucket: quota, rate }], msToCallDeadline(DEFAULT_MAX_WAIT_MS));
    if (wait === null) throw new RateLimitWaitError(quota);
    const due = askedAt + wait;
    if (wait > 0) await sleep(wait);
    if (Date.now() - due <= lateMs) return;
  }
}

/**
 * Each attempt of a call (retries included: it sits after the SDK's retry step) waits for its turn
 * in the quota it counts against before it is sent, so the fleet stays within the quota instead of
 * being throttled; a turn beyond the call's deadline fails it at once as transient.
 */
function rateLimitMiddleware<Input extends object, Output extends object>(
  fleet: FleetRateLimit,
  iamPrefix: string,
): FinalizeRequestMiddleware<Input, Output> {
  return (next, context) => async (args) => {
    const limited = quotaOf(fleet.limits, iamPrefix, (context.commandName ?? '').replace(/Command$/, ''));
    if (limited) await awaitTurn(fleet, limited.quota, limited.rate);
    return next(args);
  };
}

export function limitRate<Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
  fleet: FleetRateLimit,
  iamPrefix: string,
): void {
  stack.addRelativeTo(rateLimitMiddleware<Input, Output>(fleet, iamPrefix), {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'promptrcaRateLimit',
  });
}
