import type { Logger } from 'winston';
import { isTransientError } from './error-kind.js';
import { errorMessage } from './errors.js';
import { logger } from './log.js';
import type { RedisClient } from './redis-connection.js';
import { REDIS_PROBE_TIMEOUT_MS } from './redis-probe.js';

/** A rate that a whole fleet keeps to: `perSecond` units on average, up to `burst` at once. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** What one call takes from one bucket of its scope: 1 request, or n tokens. */
export interface Turn {
  bucket: string;
  rate: Rate;
  /** Units taken; negative in `adjust` gives units back. @defaultValue 1 */
  cost?: number;
}

/**
 * Hands out turns at a rate. `reserve` books, in every bucket of `turns` at once, the first moment
 * all of them allow, if it comes within `maxWaitMs`, and says how long to wait for it; null when it
 * does not, and then nothing is booked. A call's cost is paid from the moment it goes: the next call
 * of a bucket goes once the units taken before it have come back at the bucket's rate.
 * `adjust` settles a booking after the fact (the tokens a model call really used instead of its
 * estimate) without waiting.
 */
export interface RateLimiter {
  reserve(scope: string, turns: readonly Turn[], maxWaitMs: number): Promise<number | null>;
  adjust(scope: string, turn: Turn): Promise<void>;
}

/**
 * GCRA (the token bucket as one "theoretical arrival time" per bucket): a bucket's next turn is
 * `tat`, a burst may run up to `tolerance` ahead of it; a call goes at the latest of its buckets'
 * turns and pushes each on by its cost. Returns the wait in ms, or -1 when it exceeds the allowed
 * wait. One key per bucket, all of one scope in one cluster slot, read and written in one script,
 * so it is atomic and cluster-safe; Redis' own clock keeps every worker on one time.
 * ARGV: max wait, then interval, tolerance and cost of each key.
 */
const RESERVE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local max_wait = tonumber(ARGV[1])
local tats = {}
local wait = 0
for i = 1, #KEYS do
  tats[i] = math.max(tonumber(redis.call('GET', KEYS[i]) or now), now)
  wait = math.max(wait, tats[i] - tonumber(ARGV[i * 3]) - now)
end
if wait > max_wait then return -1 end
for i = 1, #KEYS do
  local next_tat = math.max(tats[i], now + wait) + tonumber(ARGV[i * 3 - 1]) * tonumber(ARGV[i * 3 + 1])
  redis.call('SET', KEYS[i], next_tat, 'PX', math.ceil(next_tat - now) + 1000)
end
return wait
`;

/** Moves one bucket's next turn by `cost` units (back when negative), never before now. ARGV: interval, cost. */
const ADJUST = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local next_tat = math.max(now, tat + tonumber(ARGV[1]) * tonumber(ARGV[2]))
redis.call('SET', KEYS[1], next_tat, 'PX', math.ceil(next_tat - now) + 1000)
return 0
`;

function gcraParameters(rate: Rate): { interval: number; tolerance: number } {
  const interval = 1000 / rate.perSecond;
  return { interval, tolerance: interval * (Math.max(1, rate.burst) - 1) };
}

/** The warning that Redis takes no bookings is repeated at most this often, not once per call. */
const FALLBACK_WARNING_INTERVAL_MS = 60_000;

/**
 * Connection states in which a worker connection would queue a command until Redis is back: not
 * sent at all then, as a booking replayed late would only hold up the fleet's next calls.
 */
const DISCONNECTED = new Set(['reconnecting', 'disconnecting', 'close', 'end']);

/**
 * The fleet's limiter: every worker and CLI on the same Redis and prefix shares each bucket. While
 * Redis refuses the booking (out of memory, read-only, …), is not connected or does not answer
 * within `timeoutMs`, each call is booked by the same rule in this process instead: a call to AWS
 * or a model must not fail, nor wait on a worker connection that queues commands until Redis is back.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly local = new LocalRateLimiter();
  private warnedAt = Number.NEGATIVE_INFINITY;
  private degraded = false;

  /** @param timeoutMs how long a booking may take before the call goes by the local rule. @defaultValue 1,000 ms */
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
    private readonly log: Logger = logger,
    private readonly timeoutMs = REDIS_PROBE_TIMEOUT_MS,
  ) {}

  private key(scope: string, bucket: string): string {
    return `${this.keyPrefix}:rate:{${scope}}:${bucket}`;
  }

  async reserve(scope: string, turns: readonly Turn[], maxWaitMs: number): Promise<number | null> {
    const keys = turns.map((turn) => this.key(scope, turn.bucket));
    const parameters = turns.flatMap((turn) => {
      const { interval, tolerance } = gcraParameters(turn.rate);
      return [interval, tolerance, turn.cost ?? 1];
    });
    return this.booked(
      async () => {
        const wait = Number(await this.redis.eval(RESERVE, keys.length, ...keys, Math.max(0, Math.floor(maxWaitMs)), ...parameters));
        return wait < 0 ? null : wait;
      },
      () => this.local.reserve(scope, turns, maxWaitMs),
    );
  }

  async adjust(scope: string, turn: Turn): Promise<void> {
    await this.booked(
      async () => {
        await this.redis.eval(ADJUST, 1, this.key(scope, turn.bucket), gcraParameters(turn.rate).interval, turn.cost ?? 1);
      },
      () => this.local.adjust(scope, turn),
    );
  }

  /** `inRedis`'s answer, or `inProcess`'s when Redis cannot give one now; errors Redis cannot outgrow are thrown. */
  private async booked<T>(inRedis: () => Promise<T>, inProcess: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const noAnswer = new Promise<{ down: string }>((resolve) => {
      timer = setTimeout(() => resolve({ down: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
    });
    let outcome: { value: T } | { down: string };
    try {
      outcome = DISCONNECTED.has(this.redis.status)
        ? { down: `not connected (${this.redis.status})` }
        : await Promise.race([inRedis().then((value) => ({ value })), noAnswer]);
    } catch (error) {
      // Not ready: a command connection refuses commands while it reconnects ("Stream isn't writeable").
      if (!isTransientError(error) && this.redis.status === 'ready') throw error;
      outcome = { down: errorMessage(error) };
    } finally {
      clearTimeout(timer);
    }
    if ('value' in outcome) {
      if (this.degraded) this.log.info("Redis takes rate-limit bookings again: AWS rate limits and the LLM budget are the fleet's again");
      this.degraded = false;
      return outcome.value;
    }
    this.degraded = true;
    if (Date.now() - this.warnedAt >= FALLBACK_WARNING_INTERVAL_MS) {
      this.warnedAt = Date.now();
      this.log.warn(
        `Redis takes no rate-limit bookings (${outcome.down}), so AWS rate limits and the LLM budget hold within this process only until it does`,
      );
    }
    return inProcess();
  }
}

/** The same rule in one process, for `investigate` run without Redis. */
export class LocalRateLimiter implements RateLimiter {
  private readonly arrivals = new Map<string, number>();

  private tat(key: string, now: number): number {
    return Math.max(this.arrivals.get(key) ?? now, now);
  }

  async reserve(scope: string, turns: readonly Turn[], maxWaitMs: number): Promise<number | null> {
    const now = Date.now();
    const booked = turns.map((turn) => ({ turn, key: `${scope}:${turn.bucket}`, ...gcraParameters(turn.rate) }));
    const wait = Math.max(0, ...booked.map(({ key, tolerance }) => this.tat(key, now) - tolerance - now));
    if (wait > maxWaitMs) return null;
    for (const { turn, key, interval } of booked) {
      this.arrivals.set(key, Math.max(this.tat(key, now), now + wait) + interval * (turn.cost ?? 1));
    }
    return wait;
  }

  async adjust(scope: string, turn: Turn): Promise<void> {
    const now = Date.now();
    const key = `${scope}:${turn.bucket}`;
    this.arrivals.set(key, Math.max(now, this.tat(key, now) + gcraParameters(turn.rate).interval * (turn.cost ?? 1)));
  }
}
