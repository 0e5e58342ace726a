import { loadConfig, type SettingName } from '../platform/config.js';
import { type ForcedOrchestrator, type RolloutFlags, rolloutFlagsFromEnv } from './flags.js';
import type { StoredRollout } from './rollout-state.js';

/** Where a value in effect comes from. */
export type ValueSource = 'force' | 'redis' | 'env' | 'default';

export interface EffectiveValue<T> {
  value: T;
  source: ValueSource;
}

export interface EffectiveRollout {
  /** What assignOrchestrator routes with. */
  flags: RolloutFlags;
  enabled: EffectiveValue<boolean>;
  percentage: EffectiveValue<number>;
  force: EffectiveValue<ForcedOrchestrator | null>;
  /** The share of new investigations routed to direct_invocation (FORCE aside). */
  direct_percentage: number;
}

/**
 * The documented precedence, with live state: FORCE (per process, from the environment) wins; else a
 * value stored by `rollout set` wins over the environment, which wins over the default. Throws
 * ConfigError for an invalid environment, like rolloutFlagsFromEnv.
 */
export function effectiveRollout(env: NodeJS.ProcessEnv, stored: StoredRollout | null): EffectiveRollout {
  const fromEnv = rolloutFlagsFromEnv(env);
  const { given } = loadConfig(env);
  const envSource = (variable: SettingName): ValueSource => (given.has(variable) ? 'env' : 'default');
  const overridden = fromEnv.force === null ? null : ('force' as const);
  const enabled: EffectiveValue<boolean> =
    stored?.enabled === undefined
      ? { value: fromEnv.useDirect, source: envSource('PROMPTRCA_USE_DIRECT_ORCHESTRATION') }
      : { value: stored.enabled, source: 'redis' };
  const percentage: EffectiveValue<number> =
    stored?.percentage === undefined
      ? { value: fromEnv.percentage, source: envSource('PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE') }
      : { value: stored.percentage, source: 'redis' };
  const fromRedis = enabled.source === 'redis' || percentage.source === 'redis';
  return {
    flags: { useDirect: enabled.value, percentage: percentage.value, force: fromEnv.force, origin: fromRedis ? 'redis' : 'env' },
    enabled: { value: enabled.value, source: overridden ?? enabled.source },
    percentage: { value: percentage.value, source: overridden ?? percentage.source },
    force: { value: fromEnv.force, source: envSource('PROMPTRCA_FORCE_ORCHESTRATOR') },
    direct_percentage: enabled.value ? percentage.value : 0,
  };
}

/**
 * The share routed to direct_invocation as Redis alone decides it (FORCE aside), or null when it
 * rests on a value never stored, which each worker takes from its own environment, not this one's.
 */
export function storedDirectPercentage(stored: StoredRollout | null): number | null {
  if (stored?.enabled === false || stored?.percentage === 0) return 0;
  if (stored?.enabled === true && stored.percentage !== undefined) return stored.percentage;
  return null;
}

/** The values `storedDirectPercentage` needs that are not stored, with the variable each worker reads instead. */
export function unstoredValues(stored: StoredRollout | null): string[] {
  return [
    ...(stored?.enabled === undefined ? ['enabled (PROMPTRCA_USE_DIRECT_ORCHESTRATION)'] : []),
    ...(stored?.percentage === undefined ? ['percentage (PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE)'] : []),
  ];
}
