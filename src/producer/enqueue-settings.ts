import { loadConfig } from '../platform/config.js';

export interface EnqueueSettings {
  /** A duplicate of an alarm enqueued less than this long ago is not investigated again. @defaultValue 86400 (PROMPTRCA_DEDUPE_TTL_SECONDS) */
  dedupeTtlSeconds: number;
  /** Tries per investigation; only transient AWS/LLM/Redis errors are retried. @defaultValue 3 (PROMPTRCA_JOB_ATTEMPTS) */
  attempts: number;
  /** First retry delay; each further retry doubles it. @defaultValue 10 (PROMPTRCA_JOB_BACKOFF_SECONDS) */
  backoffSeconds: number;
}

export function enqueueSettingsFromEnv(env: NodeJS.ProcessEnv): EnqueueSettings {
  const config = loadConfig(env);
  return {
    dedupeTtlSeconds: config.PROMPTRCA_DEDUPE_TTL_SECONDS,
    attempts: config.PROMPTRCA_JOB_ATTEMPTS,
    backoffSeconds: config.PROMPTRCA_JOB_BACKOFF_SECONDS,
  };
}
