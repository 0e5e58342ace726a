import type { Job } from 'bullmq';
import { z } from 'zod';
import { MalformedJobError } from '../producer/errors.js';
import { ORCHESTRATOR_TYPES, type OrchestratorType } from '../report/report.js';
import { ASSIGNMENT_SOURCES, type Assignment, assignOrchestrator } from './assignment.js';
import type { RolloutFlags } from './flags.js';

/** The assignment as kept in the job's data under `assignment`, with when it was made. */
export const StoredAssignmentSchema = z.object({
  orchestrator_type: z.enum(ORCHESTRATOR_TYPES),
  bucket: z.number().int().min(0).max(99),
  percentage: z.number().int().min(0).max(100),
  source: z.enum(ASSIGNMENT_SOURCES),
  assigned_at: z.string(),
});
export type StoredAssignment = z.infer<typeof StoredAssignmentSchema>;

/** The assignment a previous attempt stored on the job, or null on the first dequeue. */
export function storedAssignmentOf(jobId: string, data: unknown): StoredAssignment | null {
  if (typeof data !== 'object' || data === null || !('assignment' in data) || data.assignment === undefined) return null;
  const parsed = StoredAssignmentSchema.safeParse(data.assignment);
  if (!parsed.success) {
    throw new MalformedJobError(
      `job ${jobId} has an unreadable stored assignment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** The orchestrator stored on the job, or null when there is none or it cannot be read. */
export function storedOrchestratorTypeOf(job: Job): OrchestratorType | null {
  try {
    return storedAssignmentOf(job.id ?? '', job.data)?.orchestrator_type ?? null;
  } catch {
    return null;
  }
}

export interface AssignmentDecision {
  assignment: StoredAssignment;
  /** False when an earlier attempt made it: the flags of this moment were not consulted. */
  fresh: boolean;
}

/**
 * By contract, the assignment is made at first dequeue, stored on the job, and kept by every retry
 * and stall recovery, so a flag change or rollback never switches an investigation in flight.
 */
export async function assignmentForJob(
  job: Job,
  investigationId: string,
  currentFlags: () => RolloutFlags | Promise<RolloutFlags>,
): Promise<AssignmentDecision> {
  const stored = storedAssignmentOf(investigationId, job.data);
  if (stored) return { assignment: stored, fresh: false };
  const assigned: Assignment = assignOrchestrator(investigationId, await currentFlags());
  const assignment: StoredAssignment = { ...assigned, assigned_at: new Date().toISOString() };
  // Stored before the investigation starts: a worker killed mid-run leaves it for the next one.
  await job.updateData({ ...(job.data as object), assignment });
  return { assignment, fresh: true };
}
