import { ConfigError } from '../platform/errors.js';
import { parseInteger, type IntegerRange } from '../platform/env-integer.js';

export const FORCE_VALUES = ['direct', 'agent_tools'] as const;
export type ForcedOrchestrator = (typeof FORCE_VALUES)[number];

export interface RolloutFlags {
  useDirect: boolean;
  /** Whole number 0–100: the share of buckets routed to direct_invocation. */
  percentage: number;
  force: ForcedOrchestrator | null;
  /**
   * Where useDirect and percentage came from: the environment (or its defaults), or the live rollout
   * state stored in Redis (src/rollout/effective-rollout.ts). Absent means the environment.
   */
  origin?: 'env' | 'redis';
}

export const DEFAULT_FLAGS: RolloutFlags = { useDirect: false, percentage: 100, force: null };

export function parseBooleanFlag(variable: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(variable, value, 'true or false');
}

export const PERCENTAGE_RANGE: IntegerRange = { min: 0, max: 100 };

export function parsePercentage(variable: string, value: string): number {
  return parseInteger(variable, value, PERCENTAGE_RANGE);
}

export function parseForce(variable: string, value: string): ForcedOrchestrator {
  if ((FORCE_VALUES as readonly string[]).includes(value)) return value as ForcedOrchestrator;
  throw new ConfigError(variable, value, `${FORCE_VALUES.join(' or ')} (or unset)`);
}

/** Whether no new investigation can be assigned agent_tools: FORCE=direct, or direct at 100%. */
export function routesOnlyToDirect(flags: RolloutFlags): boolean {
  return flags.force === 'direct' || (flags.force === null && flags.useDirect && flags.percentage === 100);
}

/** Reads DESIGN.md's rollout variables; an invalid value throws rather than falling back. */
export function rolloutFlagsFromEnv(env: NodeJS.ProcessEnv): RolloutFlags {
  const use = env.PROMPTRCA_USE_DIRECT_ORCHESTRATION;
  const percentage = env.PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE;
  const force = env.PROMPTRCA_FORCE_ORCHESTRATOR;
  return {
    useDirect: use === undefined || use === '' ? DEFAULT_FLAGS.useDirect : parseBooleanFlag('PROMPTRCA_USE_DIRECT_ORCHESTRATION', use),
    percentage:
      percentage === undefined || percentage === ''
        ? DEFAULT_FLAGS.percentage
        : parsePercentage('PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE', percentage),
    force: force === undefined || force === '' ? null : parseForce('PROMPTRCA_FORCE_ORCHESTRATOR', force),
  };
}
