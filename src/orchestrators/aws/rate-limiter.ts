import type { RedisClient } from '../../platform/redis-connection.js';

/** A request rate that a whole fleet keeps to: `perSecond` on average, up to `burst` at once. */
export interface Rate {
  perSecond: number;
  burst: number;
}

/**
 * Hands out turns at a rate. `reserve` books the next free turn if it comes within `maxWaitMs` and
 * says how long to wait for it; null when it does not, and then nothing is booked.
 */
export interface RateLimiter {
  reserve(bucket: string, rate: Rate, maxWaitMs: number): Promise<number | null>;
}

/**
 * GCRA (the token bucket as one "theoretical arrival time" per bucket): the next turn is `tat`, a
 * burst may run up to `tolerance` ahead of it. Returns the wait in ms, or -1 when it exceeds the
 * allowed wait. One key per bucket, read and written in one script, so it is atomic and
 * cluster-safe; Redis' own clock keeps every worker on one time.
 */
const GCRA = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or now), now)
local wait = math.max(0, tat - tolerance - now)
if wait > max_wait then return -1 end
local next_tat = tat + interval
redis.call('SET', KEYS[1], next_tat, 'PX', math.ceil(next_tat - now) + 1000)
return wait
`;

function gcraParameters(rate: Rate): { interval: number; tolerance: number } {
  const interval = 1000 / rate.perSecond;
  return { interval, tolerance: interval * (Math.max(1, rate.burst) - 1) };
}

/** The fleet's limiter: every worker and CLI on the same Redis and prefix shares each bucket. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  async reserve(bucket: string, rate: Rate, maxWaitMs: number): Promise<number | null> {
    const { interval, tolerance } = gcraParameters(rate);
    const key = `${this.keyPrefix}:aws-rate:{${bucket}}`;
    const wait = Number(await this.redis.eval(GCRA, 1, key, interval, tolerance, Math.max(0, Math.floor(maxWaitMs))));
    return wait < 0 ? null : wait;
  }
}

/** The same rule in one process, for `investigate` run without Redis. */
export class LocalRateLimiter implements RateLimiter {
  private readonly arrivals = new Map<string, number>();

  async reserve(bucket: string, rate: Rate, maxWaitMs: number): Promise<number | null> {
    const { interval, tolerance } = gcraParameters(rate);
    const now = Date.now();
    const tat = Math.max(this.arrivals.get(bucket) ?? now, now);
    const wait = Math.max(0, tat - tolerance - now);
    if (wait > maxWaitMs) return null;
    this.arrivals.set(bucket, tat + interval);
    return wait;
  }
}
