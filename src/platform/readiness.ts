/**
 * Where a long-running consumer (worker, notify) stands, as `/readyz` says it: `running` is the one
 * ready state; a shutdown signal wins over everything, then Redis not answering.
 */
export type Readiness = 'running' | 'stopping' | 'waiting_for_redis' | 'not_taking_jobs';

export function readiness(state: { stopping: boolean; redisAnswers: boolean; takingJobs: boolean }): Readiness {
  if (state.stopping) return 'stopping';
  if (!state.redisAnswers) return 'waiting_for_redis';
  return state.takingJobs ? 'running' : 'not_taking_jobs';
}
