import type { LlmMode } from '../orchestrators/llm/llm-settings.js';
import { loadConfig, parseOption } from '../platform/config.js';
import type { EffectiveRollout } from '../rollout/effective-rollout.js';
import { routesOnlyToDirect } from '../rollout/flags.js';
import { AgentToolsNeedsModelError } from './errors.js';

export interface WorkerSettings {
  /** Investigations one worker process runs at the same time. @defaultValue 10 (PROMPTRCA_WORKER_CONCURRENCY) */
  concurrency: number;
  /** After SIGTERM/SIGINT, how long in-flight investigations may take before they go back to the queue. @defaultValue 30 (PROMPTRCA_SHUTDOWN_GRACE_SECONDS) */
  shutdownGraceSeconds: number;
  /**
   * BullMQ's job lock. A worker renews it while alive; once a killed worker's lock lapses, another
   * replica's stalled-job check (run as often) takes the job over, so recovery takes up to twice this.
   * @defaultValue 30000 (PROMPTRCA_LOCK_DURATION_MS)
   */
  lockDurationMs: number;
}

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv, concurrencyOption?: string): WorkerSettings {
  const config = loadConfig(env);
  return {
    concurrency:
      concurrencyOption === undefined
        ? config.PROMPTRCA_WORKER_CONCURRENCY
        : parseOption('PROMPTRCA_WORKER_CONCURRENCY', '--concurrency', concurrencyOption),
    shutdownGraceSeconds: config.PROMPTRCA_SHUTDOWN_GRACE_SECONDS,
    lockDurationMs: config.PROMPTRCA_LOCK_DURATION_MS,
  };
}

const STORED = 'the rollout stored by `promptrca rollout set`';

/** What sends new investigations to agent_tools, named where it is set: the environment or Redis. */
function routeToAgentTools({ flags, enabled, percentage }: EffectiveRollout): string {
  if (flags.force === 'agent_tools') return 'PROMPTRCA_FORCE_ORCHESTRATOR=agent_tools';
  if (!enabled.value) {
    const setting =
      enabled.source === 'redis'
        ? `${STORED} has enabled=false`
        : `PROMPTRCA_USE_DIRECT_ORCHESTRATION is false${enabled.source === 'default' ? ' (its default)' : ''}`;
    return `${setting}, so every investigation goes to agent_tools`;
  }
  const setting =
    percentage.source === 'redis'
      ? `${STORED} (percentage ${percentage.value})`
      : `PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE=${percentage.value}`;
  return `${setting} leaves ${100 - percentage.value}% to agent_tools`;
}

/** A stored value wins over the environment, so only `rollout set` can undo it (or FORCE, per process). */
function waysToDirect({ flags }: EffectiveRollout): string {
  if (flags.force === 'agent_tools') return 'PROMPTRCA_FORCE_ORCHESTRATOR=direct';
  const everyWorker =
    flags.origin === 'redis'
      ? '`promptrca rollout set --enabled true --percentage 100`'
      : 'PROMPTRCA_USE_DIRECT_ORCHESTRATION=true with PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE=100';
  return `PROMPTRCA_FORCE_ORCHESTRATOR=direct for this worker, or ${everyWorker}`;
}

/**
 * By contract, a worker that could route to agent_tools refuses to start without a model, rather
 * than failing those investigations one by one. Checked against the effective rollout (environment
 * and the state stored in Redis) once the worker is connected. Only FORCE=direct, or direct
 * orchestration on at 100%, keeps every new investigation away from agent_tools.
 */
export function assertModelForRouting(rollout: EffectiveRollout, llmMode: LlmMode): void {
  if (llmMode !== 'none' || routesOnlyToDirect(rollout.flags)) return;
  throw new AgentToolsNeedsModelError(
    `${routeToAgentTools(rollout)}, which needs a model, but no LLM is configured (--llm none): set OPENAI_API_KEY or OPENAI_BASE_URL, ` +
      `or route everything to direct_invocation (${waysToDirect(rollout)})`,
  );
}
