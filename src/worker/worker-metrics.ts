import type { Queue } from 'bullmq';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LlmLimitEvents, LlmRateLimitReason } from '../orchestrators/llm/llm-client.js';
import { queueJobsGauge } from '../platform/queue-jobs-gauge.js';
import type { RedisClient } from '../platform/redis-connection.js';
import { ORCHESTRATOR_TYPES, type Report } from '../report/report.js';

/** From a rules-only run on a recording (~10 ms) to a slow agent_tools run against a real model. */
export const DURATION_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
const STATUSES = ['completed', 'failed'] as const;
const SHADOW_VALUES = ['false', 'true'] as const;
const TOKEN_KINDS = ['prompt', 'completion'] as const;
const RATE_LIMIT_REASONS: readonly LlmRateLimitReason[] = ['endpoint_429', 'no_turn_before_deadline'];
/** From a turn at once to one at the end of the default 30 s an investigation may wait for it. */
const BUDGET_WAIT_BUCKETS_SECONDS = [0, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30];

export interface WorkerMetricsSources {
  /** The investigations queue, counted at each scrape. */
  investigations: Queue;
  /** The connection that queue uses, to skip counting at once while it is down. */
  redis: RedisClient;
  /** Investigations this process holds now. */
  activeInvestigations: () => number;
  /** Why Redis refuses the worker's writes now ('OOM', 'READONLY', …), when it does. */
  redisRefusal?: () => string | null;
}

/**
 * The worker's Prometheus metrics, on a registry of its own. Every report counts once it is
 * published, labelled `shadow="true"` when it came from a shadow run, so that rates of the
 * assigned orchestrators stay apart from the extra work shadow mode costs.
 */
export class WorkerMetrics {
  readonly registry = new Registry();
  private readonly investigations: Counter<'orchestrator_type' | 'status' | 'shadow'>;
  private readonly duration: Histogram<'orchestrator_type' | 'shadow'>;
  private readonly tokens: Counter<'orchestrator_type' | 'kind' | 'shadow'>;
  private readonly llmCalls: Counter<'orchestrator_type' | 'shadow'>;
  private readonly expired: Counter;
  /** What this process's model calls met of the LLM budget and the endpoint's rate limit. */
  readonly llmLimits: LlmLimitEvents;

  constructor(sources: WorkerMetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.expired = new Counter({
      name: 'promptrca_retention_expired_total',
      help: 'Reports the results retention removed, at this process, before notify delivered them (shadow reports not counted)',
      registers,
    });
    this.investigations = new Counter({
      name: 'promptrca_investigations_total',
      help: 'Reports published by this worker, by orchestrator, status and whether it ran in shadow',
      labelNames: ['orchestrator_type', 'status', 'shadow'],
      registers,
    });
    this.duration = new Histogram({
      name: 'promptrca_investigation_duration_seconds',
      help: 'Duration of each published investigation (its report duration_seconds)',
      labelNames: ['orchestrator_type', 'shadow'],
      buckets: DURATION_BUCKETS_SECONDS,
      registers,
    });
    this.tokens = new Counter({
      name: 'promptrca_llm_tokens_total',
      help: 'LLM tokens used by published investigations, by kind (prompt or completion)',
      labelNames: ['orchestrator_type', 'kind', 'shadow'],
      registers,
    });
    this.llmCalls = new Counter({
      name: 'promptrca_llm_calls_total',
      help: 'LLM calls made by published investigations',
      labelNames: ['orchestrator_type', 'shadow'],
      registers,
    });
    const budgetWait = new Histogram({
      name: 'promptrca_llm_budget_wait_seconds',
      help: "Each model call's wait for its turn under the fleet's LLM budget (PROMPTRCA_LLM_RPM, PROMPTRCA_LLM_TPM), observed as it goes",
      buckets: BUDGET_WAIT_BUCKETS_SECONDS,
      registers,
    });
    const rateLimited = new Counter({
      name: 'promptrca_llm_rate_limited_total',
      help: 'Model calls the endpoint answered 429 (endpoint_429), and calls given up with no turn before the investigation deadline (no_turn_before_deadline)',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of RATE_LIMIT_REASONS) rateLimited.inc({ reason }, 0);
    this.llmLimits = {
      budgetWait: (ms) => budgetWait.observe(ms / 1000),
      rateLimited: (reason) => rateLimited.inc({ reason }),
    };
    queueJobsGauge({
      name: 'promptrca_queue_jobs',
      help: 'Jobs on the investigations queue by state, counted at scrape (the same on every replica); absent while Redis does not answer',
      registry: this.registry,
      queue: sources.investigations,
      redis: sources.redis,
      states: QUEUE_STATES,
    });
    new Gauge({
      name: 'promptrca_active_investigations',
      help: 'Investigations this worker process holds now (shadow runs included)',
      registers,
      collect() {
        this.set(sources.activeInvestigations());
      },
    });
    new Gauge({
      name: 'promptrca_redis_refusing_writes',
      help: "1 while Redis refuses the worker's writes (reports wait in the worker), labelled with Redis' reason (OOM, READONLY, LOADING, connection)",
      labelNames: ['reason'],
      registers,
      collect() {
        this.reset();
        const reason = sources.redisRefusal?.() ?? null;
        this.set({ reason: reason ?? 'none' }, reason ? 1 : 0);
      },
    });
    // Present at zero from the start, so rate() and alerts see every series.
    for (const orchestrator_type of ORCHESTRATOR_TYPES) {
      for (const shadow of SHADOW_VALUES) {
        for (const status of STATUSES) this.investigations.inc({ orchestrator_type, status, shadow }, 0);
        for (const kind of TOKEN_KINDS) this.tokens.inc({ orchestrator_type, kind, shadow }, 0);
        this.llmCalls.inc({ orchestrator_type, shadow }, 0);
      }
    }
  }

  /** Jobs the retention this process applied removed before they were delivered. */
  recordExpired(count: number): void {
    this.expired.inc(count);
  }

  recordReport(report: Report): void {
    const labels = { orchestrator_type: report.orchestrator_type, shadow: String(report.shadow === true) };
    this.investigations.inc({ ...labels, status: report.status });
    this.duration.observe(labels, report.duration_seconds);
    this.tokens.inc({ ...labels, kind: 'prompt' }, report.usage.prompt_tokens);
    this.tokens.inc({ ...labels, kind: 'completion' }, report.usage.completion_tokens);
    this.llmCalls.inc(labels, report.usage.llm_calls);
  }
}
