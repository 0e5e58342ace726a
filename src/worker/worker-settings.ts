import { InputError } from '../errors.js';
import type { LlmMode } from '../orchestrators/llm/llm-settings.js';
import { integerFromEnv, parseInteger } from '../producer/env-integer.js';
import { routesOnlyToDirect, type RolloutFlags } from '../rollout/flags.js';

export interface WorkerSettings {
  /** Investigations one worker process runs at the same time. */
  concurrency: number;
  /** After SIGTERM/SIGINT, how long in-flight investigations may take before they go back to the queue. */
  shutdownGraceSeconds: number;
  /**
   * BullMQ's job lock. A worker renews it while alive; once a killed worker's lock lapses, another
   * replica's stalled-job check (run as often) takes the job over, so recovery takes up to twice this.
   */
  lockDurationMs: number;
}

const CONCURRENCY = { min: 1, max: 1_000 };

export function workerSettingsFromEnv(env: NodeJS.ProcessEnv, concurrencyOption?: string): WorkerSettings {
  return {
    concurrency:
      concurrencyOption === undefined
        ? integerFromEnv(env, 'PROMPTRCA_WORKER_CONCURRENCY', 10, CONCURRENCY)
        : parseInteger('--concurrency', concurrencyOption, CONCURRENCY),
    shutdownGraceSeconds: integerFromEnv(env, 'PROMPTRCA_SHUTDOWN_GRACE_SECONDS', 30, { min: 0, max: 3_600 }),
    lockDurationMs: integerFromEnv(env, 'PROMPTRCA_LOCK_DURATION_MS', 30_000, { min: 1_000, max: 600_000 }),
  };
}

/** The worker could be assigned agent_tools but has no model to run it with. */
export class AgentToolsNeedsModelError extends InputError {}

/**
 * DESIGN.md: a worker that could route to agent_tools refuses to start without a model, rather
 * than failing those investigations one by one. Only FORCE=direct, or direct orchestration on at
 * 100%, keeps every new investigation away from agent_tools.
 */
export function assertModelForRouting(flags: RolloutFlags, llmMode: LlmMode): void {
  if (llmMode !== 'none') return;
  if (routesOnlyToDirect(flags)) return;
  const why =
    flags.force === 'agent_tools'
      ? 'PROMPTRCA_FORCE_ORCHESTRATOR=agent_tools'
      : flags.useDirect
        ? `PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE=${flags.percentage} leaves ${100 - flags.percentage}% to agent_tools`
        : 'PROMPTRCA_USE_DIRECT_ORCHESTRATION is false, so every investigation goes to agent_tools';
  throw new AgentToolsNeedsModelError(
    `${why}, which needs a model, but no LLM is configured (--llm none): set OPENAI_API_KEY or OPENAI_BASE_URL, ` +
      'or route everything to direct (PROMPTRCA_FORCE_ORCHESTRATOR=direct, or PROMPTRCA_USE_DIRECT_ORCHESTRATION=true with PERCENTAGE=100)',
  );
}
