import type { Health } from '../platform/metrics-server.js';
import { readiness } from '../platform/readiness.js';

export interface WorkerState {
  /** A shutdown signal arrived. */
  stopping: boolean;
  /** The worker loop takes jobs (false before it starts and once it stopped). */
  takingJobs: boolean;
  /** Redis answered a PING just now. */
  redisAnswers: boolean;
  /** ioredis' connection status, shown as it is ('ready', 'reconnecting', …). */
  redisStatus: string;
  activeInvestigations: number;
}

/** `/healthz` of the worker: healthy while it takes jobs and Redis answers; 503 while stopping or Redis is away. */
export function workerHealth(state: WorkerState): Health {
  const condition = readiness(state);
  return {
    healthy: condition === 'running',
    state: condition,
    redis: state.redisStatus,
    active_investigations: state.activeInvestigations,
  };
}
