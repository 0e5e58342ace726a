import { createHash } from 'node:crypto';
import type { OrchestratorType } from '../report/report.js';
import type { RolloutFlags } from './flags.js';

/** What decided the assignment: FORCE, the environment's flags, or the live rollout state in Redis. */
export const ASSIGNMENT_SOURCES = ['force', 'env', 'redis'] as const;
export type AssignmentSource = (typeof ASSIGNMENT_SOURCES)[number];

export interface Assignment {
  orchestrator_type: OrchestratorType;
  bucket: number;
  percentage: number;
  source: AssignmentSource;
}

/**
 * The documented bucket: uint32 of the first 4 bytes of SHA-256(id), big-endian, mod 100. Any other
 * program that computes it the same way agrees with every replica.
 */
export function bucketFor(investigationId: string): number {
  return createHash('sha256').update(investigationId, 'utf8').digest().readUInt32BE(0) % 100;
}

export function assignOrchestrator(investigationId: string, flags: RolloutFlags): Assignment {
  const bucket = bucketFor(investigationId);
  const percentage = flags.useDirect ? flags.percentage : 0;
  if (flags.force) {
    const orchestrator_type = flags.force === 'direct' ? 'direct_invocation' : 'agent_tools';
    return { orchestrator_type, bucket, percentage, source: 'force' };
  }
  return {
    orchestrator_type: bucket < percentage ? 'direct_invocation' : 'agent_tools',
    bucket,
    percentage,
    source: flags.origin ?? 'env',
  };
}
