import { z } from 'zod';
import type { RedisClient } from '../platform/redis-connection.js';
import { ORCHESTRATOR_TYPES, type OrchestratorType } from '../report/report.js';
import { ASSIGNMENT_SOURCES, type AssignmentSource } from './assignment.js';

/** Assignments kept, newest first: enough for `rollout status --last` to show a split. */
export const ASSIGNMENT_LOG_LENGTH = 10_000;

export const LoggedAssignmentSchema = z.object({
  investigation_id: z.string(),
  orchestrator_type: z.enum(ORCHESTRATOR_TYPES),
  bucket: z.number(),
  percentage: z.number(),
  source: z.enum(ASSIGNMENT_SOURCES),
  assigned_at: z.string(),
});
export type LoggedAssignment = z.infer<typeof LoggedAssignmentSchema>;

export function assignmentLogKey(prefix: string): string {
  return `${prefix}:promptrca:rollout:assignments`;
}

/** Appended by the worker at each first dequeue (never for a retry, which keeps its assignment). */
export async function appendAssignment(redis: RedisClient, prefix: string, assignment: LoggedAssignment): Promise<void> {
  const key = assignmentLogKey(prefix);
  await redis
    .multi()
    .lpush(key, JSON.stringify(assignment))
    .ltrim(key, 0, ASSIGNMENT_LOG_LENGTH - 1)
    .exec();
}

export async function recentAssignments(redis: RedisClient, prefix: string, count: number): Promise<LoggedAssignment[]> {
  const raw = await redis.lrange(assignmentLogKey(prefix), 0, count - 1);
  return raw.flatMap((text) => {
    try {
      const parsed = LoggedAssignmentSchema.safeParse(JSON.parse(text));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}

export interface AssignmentSplit {
  assignments: number;
  by_orchestrator: Record<OrchestratorType, number>;
  /** Share routed to direct_invocation; null without assignments. */
  direct_share: number | null;
  by_source: Record<AssignmentSource, number>;
  /** How many were assigned at each percentage, e.g. { "10": 40, "25": 60 } across a change. */
  by_percentage: Record<string, number>;
}

export function splitOf(assignments: readonly LoggedAssignment[]): AssignmentSplit {
  const by_orchestrator: Record<OrchestratorType, number> = { direct_invocation: 0, agent_tools: 0 };
  const by_source: Record<AssignmentSource, number> = { force: 0, env: 0, redis: 0 };
  const by_percentage: Record<string, number> = {};
  for (const assignment of assignments) {
    by_orchestrator[assignment.orchestrator_type] += 1;
    by_source[assignment.source] += 1;
    by_percentage[assignment.percentage] = (by_percentage[assignment.percentage] ?? 0) + 1;
  }
  return {
    assignments: assignments.length,
    by_orchestrator,
    direct_share: assignments.length === 0 ? null : by_orchestrator.direct_invocation / assignments.length,
    by_source,
    by_percentage,
  };
}
