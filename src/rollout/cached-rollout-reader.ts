import type { Logger } from 'winston';
import type { RedisClient } from '../platform/redis-connection.js';
import { type EffectiveRollout, effectiveRollout } from './effective-rollout.js';
import { InvalidStoredRolloutError } from './errors.js';
import { readStoredRollout, rolloutKey } from './rollout-state.js';

/** How stale a worker's view of the live rollout may be: every replica follows a change within it. */
export const ROLLOUT_CACHE_MS = 1_000;

export interface LiveRolloutOptions {
  redis: RedisClient;
  prefix: string;
  /** The process's environment, already validated at start: the defaults and FORCE. */
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Hears every rollout that differs from the previous one read (the first one included). @defaultValue none */
  onChange?: (rollout: EffectiveRollout) => void;
  /** How long a rollout read from Redis is used before it is read again. @defaultValue {@link ROLLOUT_CACHE_MS} (1 s) */
  maxAgeMs?: number;
  /** @defaultValue `Date.now` */
  now?: () => number;
}

const summaryOf = (rollout: EffectiveRollout) =>
  JSON.stringify([rollout.flags.useDirect, rollout.flags.percentage, rollout.flags.force, rollout.flags.origin]);

/**
 * The effective rollout (environment + state stored in Redis) as a worker reads it at each dequeue:
 * one Redis read per `maxAgeMs` however many jobs start, shared by jobs that start together.
 * Garbage in the stored state neither crashes the worker nor changes routing silently: that read
 * logs an error naming the key and value and routes with the environment's flags.
 */
export class CachedRolloutReader {
  private cached: { promise: Promise<EffectiveRollout>; readAt: number } | null = null;
  private lastSummary: string | null = null;

  constructor(private readonly options: LiveRolloutOptions) {}

  current(): Promise<EffectiveRollout> {
    const now = (this.options.now ?? Date.now)();
    if (this.cached && now - this.cached.readAt < (this.options.maxAgeMs ?? ROLLOUT_CACHE_MS)) return this.cached.promise;
    const promise = this.read();
    this.cached = { promise, readAt: now };
    // A failed read (RedisClient away) is not kept: the next dequeue tries again.
    promise.catch(() => {
      if (this.cached?.promise === promise) this.cached = null;
    });
    return promise;
  }

  private async read(): Promise<EffectiveRollout> {
    const { redis, prefix, env, log } = this.options;
    let rollout: EffectiveRollout;
    try {
      rollout = effectiveRollout(env, await readStoredRollout(redis, prefix));
    } catch (error) {
      if (!(error instanceof InvalidStoredRolloutError)) throw error;
      log.error(
        `ignoring the stored rollout state: ${error.message}; routing with the environment's flags until it is fixed with \`promptrca rollout set\``,
        {
          key: rolloutKey(prefix),
          value: error.value,
        },
      );
      rollout = effectiveRollout(env, null);
    }
    const summary = summaryOf(rollout);
    if (summary !== this.lastSummary) {
      this.lastSummary = summary;
      this.options.onChange?.(rollout);
    }
    return rollout;
  }
}
