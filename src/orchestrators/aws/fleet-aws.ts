import type { Config } from '../../platform/config.js';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import type { RedisClient } from '../../platform/redis-connection.js';
import { awsRateLimitsFrom } from './aws-rate-limits.js';
import type { FleetAws } from './aws-service.js';
import { SharedFacts } from './shared-facts.js';

type FleetConfig = Pick<
  Config,
  | 'PROMPTRCA_AWS_RATE_LIMITS'
  | 'PROMPTRCA_AWS_RATE_SHARE'
  | 'PROMPTRCA_AWS_SHARED_FACTS'
  | 'PROMPTRCA_AWS_FACTS_TTL_SECONDS'
  | 'AWS_ACCOUNT_ID'
>;

/** Where the fleet's shared state lives: the Redis connection a command already holds, and its key prefix. */
export interface FleetStore {
  redis: RedisClient;
  keyPrefix: string;
}

/**
 * What every worker of the fleet shares for one region, as configured: rate limits kept by
 * `limiter` (the model's budget's too: in Redis, or in this process without a store) and, with a
 * store, the answers of reads. One per process, so that in-process single flight covers all its investigations.
 * The quotas are those of the account the credentials reach, whatever account an alarm names:
 * AWS_ACCOUNT_ID (the SDK's own variable) tells fleets of different accounts on one Redis apart.
 */
export function fleetAwsFactory(config: FleetConfig, store: FleetStore | null, limiter: RateLimiter): (region: string) => FleetAws {
  const limits = awsRateLimitsFrom(config);
  const facts =
    store && config.PROMPTRCA_AWS_SHARED_FACTS
      ? new SharedFacts({ redis: store.redis, keyPrefix: store.keyPrefix, ttlSeconds: config.PROMPTRCA_AWS_FACTS_TTL_SECONDS })
      : undefined;
  return (region) => ({
    scope: `${config.AWS_ACCOUNT_ID ?? 'default'}:${region}`,
    ...(limits ? { rateLimit: { limiter, limits } } : {}),
    ...(facts ? { facts } : {}),
  });
}
