import { createHash } from 'node:crypto';
import { loadConfig } from '../platform/config.js';
import type { OrchestratorType } from '../report/report.js';

/** Share (0–100) of investigations on which the other orchestrator runs too; unset means none. */
export function shadowPercentageFromEnv(env: NodeJS.ProcessEnv): number {
  return loadConfig(env).PROMPTRCA_SHADOW_PERCENTAGE;
}

/**
 * uint32(bytes 4..8 of SHA-256(UTF-8 investigation_id), big-endian) mod 100. The rollout bucket uses
 * bytes 0..4, so the shadowed sample is independent of the rollout: it holds investigations of both
 * orchestrators in their rollout proportions. Every replica, and any other program, agrees on it.
 */
export function shadowBucketFor(investigationId: string): number {
  return createHash('sha256').update(investigationId, 'utf8').digest().readUInt32BE(4) % 100;
}

export function otherOrchestrator(type: OrchestratorType): OrchestratorType {
  return type === 'direct_invocation' ? 'agent_tools' : 'direct_invocation';
}

export interface ShadowSettings {
  /** Percent of investigations also run by the other orchestrator, for comparison. @defaultValue 0 (PROMPTRCA_SHADOW_PERCENTAGE) */
  percentage: number;
  /** The orchestrators this worker can run (agent_tools needs a model). */
  runnable: ReadonlySet<OrchestratorType>;
}

/** The orchestrator to run in shadow of the assigned one on this investigation, or null for none. */
export function shadowOrchestratorFor(
  investigationId: string,
  assigned: OrchestratorType,
  settings: ShadowSettings,
): OrchestratorType | null {
  if (shadowBucketFor(investigationId) >= settings.percentage) return null;
  const other = otherOrchestrator(assigned);
  return settings.runnable.has(other) ? other : null;
}
