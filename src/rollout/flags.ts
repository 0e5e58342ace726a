import { type Config, loadConfig } from '../platform/config.js';

export type ForcedOrchestrator = NonNullable<Config['PROMPTRCA_FORCE_ORCHESTRATOR']>;

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

/** Whether no new investigation can be assigned agent_tools: FORCE=direct, or direct at 100%. */
export function routesOnlyToDirect(flags: RolloutFlags): boolean {
  return flags.force === 'direct' || (flags.force === null && flags.useDirect && flags.percentage === 100);
}

/** Reads the documented rollout variables; an invalid value throws rather than falling back. */
export function rolloutFlagsFromEnv(env: NodeJS.ProcessEnv): RolloutFlags {
  const config = loadConfig(env);
  return {
    useDirect: config.PROMPTRCA_USE_DIRECT_ORCHESTRATION,
    percentage: config.PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE,
    force: config.PROMPTRCA_FORCE_ORCHESTRATOR,
  };
}
