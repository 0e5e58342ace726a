import { logger } from './log.js';
import type { Health } from './metrics-server.js';
import type { RedisClient } from './redis-connection.js';
import { askRedis } from './redis-probe.js';
import { RedisWriteGate } from './redis-write-gate.js';

/** What a long-running process (worker, bridge, notify, guard) knows about itself when a probe asks. */
export interface ProcessState {
  /** A shutdown signal arrived. */
  stopping: boolean;
  /** Its loop takes work (false before it starts and once it stopped). */
  takingJobs: boolean;
  /** Redis answered a PING just now. */
  redisAnswers: boolean;
  /** ioredis' connection status, shown as it is ('ready', 'reconnecting', …). */
  redisStatus: string;
  /** Why Redis refuses this process' writes now ('OOM', 'READONLY', …), when it does. */
  redisRefusal?: string | null;
}

/**
 * `/readyz`: ready while it takes work and Redis answers; 503 while stopping or while Redis is away,
 * so that a load balancer or `kubectl rollout` waits, while `/livez` keeps the process from a restart.
 */
export function readiness(state: ProcessState, details: Record<string, unknown> = {}): Health {
  const condition = state.stopping
    ? 'stopping'
    : !state.redisAnswers
      ? 'waiting_for_redis'
      : state.redisRefusal
        ? 'redis_refuses_writes'
        : state.takingJobs
          ? 'running'
          : 'not_taking_jobs';
  const refusal = state.redisRefusal ? { redis_refusal: state.redisRefusal } : {};
  return { healthy: condition === 'running', state: condition, redis: state.redisStatus, ...refusal, ...details };
}

/** The Redis half of ProcessState, asked with a deadline so that a probe never waits on a dead Redis. */
export async function redisState(redis: RedisClient): Promise<Pick<ProcessState, 'redisAnswers' | 'redisStatus'>> {
  return { redisAnswers: (await askRedis(redis, () => redis.ping())) === 'PONG', redisStatus: redis.status };
}

export interface RedisReadinessOptions {
  redis: RedisClient;
  /** Aborted at the shutdown signal. */
  stopping: AbortSignal;
  takingJobs: () => boolean;
  /** Figures of the process' own, shown beside the state. @defaultValue none */
  details?: () => Record<string, unknown>;
  /**
   * Where each probe first writes a report-sized expiring key, so that /readyz says when Redis refuses
   * writes even while the process writes nothing.
   * @defaultValue none: no write probe
   */
  writeProbeKey?: string;
  /**
   * The gate of the writes the process must not lose, which the probe's finding updates.
   * @defaultValue a gate of its own when `writeProbeKey` is set, else none
   */
  writes?: RedisWriteGate;
}

/** The `health` callback of startMetricsServer for a process whose work depends on Redis (notify, the guard). */
export function redisReadiness(options: RedisReadinessOptions): () => Promise<Health> {
  const { writeProbeKey } = options;
  const writes = options.writes ?? (writeProbeKey ? new RedisWriteGate(logger) : undefined);
  return async () => {
    if (writes && writeProbeKey) await writes.probe(options.redis, writeProbeKey);
    return readiness(
      {
        stopping: options.stopping.aborted,
        takingJobs: options.takingJobs(),
        redisRefusal: writes?.refusal ?? null,
        ...(await redisState(options.redis)),
      },
      options.details?.() ?? {},
    );
  };
}

/** The key of a process' write probe: under its queues' prefix, so that it lands in their hash slot and ACL. */
export function writeProbeKey(prefix: string): string {
  return `${prefix}:write-probe`;
}
