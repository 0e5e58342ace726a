import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InitializeMiddleware, MiddlewareStack } from '@smithy/types';
import type { RedisClient } from '../../platform/redis-connection.js';
import { msToCallDeadline } from './call-deadline.js';
import { toJsonForm } from './recording.js';

/** An answer larger than this is not shared (a full FilterLogEvents page is 1 MB). */
export const MAX_SHARED_ANSWER_BYTES = 1024 * 1024;
/** Longest one worker holds the right to fetch a fact before others may try it themselves. */
const FETCH_CLAIM_MS = 15_000;
const POLL_MS = 50;
/** How long a call outside any fact call's deadline waits for another worker's fetch. */
const DEFAULT_MAX_WAIT_MS = 30_000;

export interface SharedFactsOptions {
  redis: RedisClient;
  keyPrefix: string;
  /** How long an answer is reused. @defaultValue 60 (PROMPTRCA_AWS_FACTS_TTL_SECONDS) */
  ttlSeconds: number;
}

/** Dates survive the trip through Redis as `{ "$date": ms }`. */
function encode(output: object): string {
  return JSON.stringify(output, function (this: Record<string, unknown>, key, value) {
    const original = this[key];
    return original instanceof Date ? { $date: original.getTime() } : value;
  });
}

function decode(text: string): object {
  return JSON.parse(text, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && typeof (value as { $date?: unknown }).$date === 'number'
      ? new Date((value as { $date: number }).$date)
      : value,
  ) as object;
}

/**
 * Answers of AWS reads shared by every investigation of the fleet for a short while: a storm's
 * fifteen alarms of one function read its configuration, metrics and log window once. Single
 * flight: one worker fetches while the others wait for its answer (within their call's deadline),
 * in this process by one promise and across processes by a claim key in Redis. Only answers are
 * shared, never errors: a throttled read is tried again by the next caller. Redis holds at most the
 * answers fetched within the TTL, each at most MAX_SHARED_ANSWER_BYTES, and the fleet's rate
 * limits bound how many reads that can be.
 */
export class SharedFacts {
  private readonly inFlight = new Map<string, Promise<object>>();

  constructor(private readonly options: SharedFactsOptions) {}

  async answer(key: string, fetch: () => Promise<object>, maxWaitMs: number): Promise<object> {
    let shared = this.inFlight.get(key);
    if (!shared) {
      shared = this.fleetAnswer(key, fetch, maxWaitMs).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, shared);
    }
    // A copy each, so that a caller editing its answer cannot change another's.
    return structuredClone(await shared);
  }

  private async fleetAnswer(key: string, fetch: () => Promise<object>, maxWaitMs: number): Promise<object> {
    const { redis, keyPrefix, ttlSeconds } = this.options;
    const answerKey = `${keyPrefix}:aws-facts:${key}`;
    const claimKey = `${answerKey}:fetching`;
    const giveUpAt = Date.now() + maxWaitMs;
    for (;;) {
      // Redis away: each worker asks AWS itself, as without sharing.
      const cached = await redis.get(answerKey).catch(() => null);
      if (cached !== null) return decode(cached);
      if ((await redis.set(claimKey, '1', 'PX', FETCH_CLAIM_MS, 'NX').catch(() => 'OK')) === 'OK') {
        try {
          const output = await fetch();
          const text = encode(output);
          if (Buffer.byteLength(text) <= MAX_SHARED_ANSWER_BYTES) await redis.set(answerKey, text, 'EX', ttlSeconds).catch(() => null);
          return output;
        } finally {
          await redis.del(claimKey).catch(() => 0);
        }
      }
      // Another worker is fetching it; past our deadline we stop waiting and ask ourselves.
      if (Date.now() + POLL_MS >= giveUpAt) return fetch();
      await sleep(POLL_MS);
    }
  }
}

/** The fact's identity: who asked (account and region), which API, what exactly. */
function factKey(scope: string, service: string, command: string, input: object): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(toJsonForm(input)))
    .digest('hex')
    .slice(0, 32);
  return `${scope}:${service}:${command}:${digest}`;
}

function sharedFactsMiddleware<Input extends object, Output extends object>(
  facts: SharedFacts,
  scope: string,
  service: string,
): InitializeMiddleware<Input, Output> {
  return (next, context) => async (args) => {
    const command = (context.commandName ?? '').replace(/Command$/, '');
    const fetch = async () => {
      const { $metadata: _metadata, ...output } = (await next(args)).output as Output & { $metadata?: unknown };
      return output;
    };
    const output = await facts.answer(factKey(scope, service, command, args.input), fetch, msToCallDeadline(DEFAULT_MAX_WAIT_MS));
    return { output: { ...output, $metadata: {} } as unknown as Output, response: undefined };
  };
}

/** Every read of the client answered from the fleet's shared answers, fetched once when missing. */
export function shareFacts<Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
  facts: SharedFacts,
  scope: string,
  service: string,
): void {
  stack.add(sharedFactsMiddleware<Input, Output>(facts, scope, service), {
    step: 'initialize',
    priority: 'low',
    name: 'promptrcaSharedFacts',
  });
}
