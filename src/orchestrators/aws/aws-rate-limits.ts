import type { Config } from '../../platform/config.js';
import type { Rate } from '../../platform/rate-limiter.js';

/**
 * The documented per-account, per-region quotas of the APIs the specialists call most, requests
 * per second: Lambda's control-plane APIs share 15 (a fixed quota), FilterLogEvents has 5,
 * GetMetricData 50. A quota is an IAM service prefix (all its APIs) or `prefix.Command` (one API).
 */
export const DOCUMENTED_AWS_RATES: Readonly<Record<string, number>> = {
  lambda: 15,
  'logs.FilterLogEvents': 5,
  'cloudwatch.GetMetricData': 50,
};

export interface AwsRateLimits {
  /** The fleet's rate per quota: the documented rate (or PROMPTRCA_AWS_RATE_LIMITS) times the share. */
  rates: ReadonlyMap<string, Rate>;
}

/** Null when PROMPTRCA_AWS_RATE_LIMITS is `off`. */
export function awsRateLimitsFrom(config: Pick<Config, 'PROMPTRCA_AWS_RATE_LIMITS' | 'PROMPTRCA_AWS_RATE_SHARE'>): AwsRateLimits | null {
  if (config.PROMPTRCA_AWS_RATE_LIMITS === 'off') return null;
  const quotas = { ...DOCUMENTED_AWS_RATES, ...config.PROMPTRCA_AWS_RATE_LIMITS };
  const rates = Object.entries(quotas).map(([quota, perSecond]): [string, Rate] => {
    // Turns evenly spaced, no burst: workers' timers firing late already bunch calls a little, and a
    // burst on top of that was measured to meet the quota's own bucket empty (bench:storm).
    return [quota, { perSecond: perSecond * config.PROMPTRCA_AWS_RATE_SHARE, burst: 1 }];
  });
  return { rates: new Map(rates) };
}

/** The quota a call counts against: its own API's when one is set, else its service's; null when neither is. */
export function quotaOf(limits: AwsRateLimits, iamPrefix: string, command: string): { quota: string; rate: Rate } | null {
  for (const quota of [`${iamPrefix}.${command}`, iamPrefix]) {
    const rate = limits.rates.get(quota);
    if (rate) return { quota, rate };
  }
  return null;
}
