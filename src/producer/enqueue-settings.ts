import { integerFromEnv } from '../platform/env-integer.js';

export interface EnqueueSettings {
  /** A duplicate of an alarm enqueued less than this long ago is not investigated again. */
  dedupeTtlSeconds: number;
  /** Tries per investigation; only transient AWS/LLM/Redis errors are retried. */
  attempts: number;
  /** First retry delay; each further retry doubles it. */
  backoffSeconds: number;
}

export const DEFAULT_ENQUEUE_SETTINGS: EnqueueSettings = { dedupeTtlSeconds: 86_400, attempts: 3, backoffSeconds: 10 };

export function enqueueSettingsFromEnv(env: NodeJS.ProcessEnv): EnqueueSettings {
  return {
    dedupeTtlSeconds: integerFromEnv(env, 'PROMPTRCA_DEDUPE_TTL_SECONDS', DEFAULT_ENQUEUE_SETTINGS.dedupeTtlSeconds, {
      min: 1,
      max: 30 * 86_400,
    }),
    attempts: integerFromEnv(env, 'PROMPTRCA_JOB_ATTEMPTS', DEFAULT_ENQUEUE_SETTINGS.attempts, { min: 1, max: 20 }),
    backoffSeconds: integerFromEnv(env, 'PROMPTRCA_JOB_BACKOFF_SECONDS', DEFAULT_ENQUEUE_SETTINGS.backoffSeconds, {
      min: 0,
      max: 3_600,
    }),
  };
}
