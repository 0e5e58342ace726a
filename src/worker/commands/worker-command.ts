import type { Command } from 'commander';
import { type AwsClients, createAwsClients } from '../../orchestrators/aws/clients.js';
import { fleetAwsFactory } from '../../orchestrators/aws/fleet-aws.js';
import { loadRecording } from '../../orchestrators/aws/recording.js';
import { createOrchestrator } from '../../orchestrators/create-orchestrator.js';
import { describeInvestigationLimits } from '../../orchestrators/investigation-limits.js';
import { llmBudgetFrom } from '../../orchestrators/llm/llm-budget.js';
import { LlmClient } from '../../orchestrators/llm/llm-client.js';
import { defaultLlmMode, llmSettingsFromEnv, parseLlmMode } from '../../orchestrators/llm/llm-settings.js';
import { DEFAULT_METRICS_PORT, loadConfig } from '../../platform/config.js';
import { errorMessage } from '../../platform/errors.js';
import { limitHeapGrowth } from '../../platform/heap-growth.js';
import { logger, warnIfNodePastEndOfLife } from '../../platform/log.js';
import { type MetricsServer, startMetricsServer } from '../../platform/metrics-server.js';
import { metricsAddressFrom } from '../../platform/metrics-settings.js';
import { RedisRateLimiter } from '../../platform/rate-limiter.js';
import { redisReadiness, writeProbeKey } from '../../platform/readiness.js';
import { describeRedisTarget } from '../../platform/redis-connection.js';
import { RedisWriteGate } from '../../platform/redis-write-gate.js';
import { firstShutdownSignal } from '../../platform/signals.js';
import type { NormalizedAlarm } from '../../producer/alarm.js';
import { INVESTIGATIONS_QUEUE } from '../../producer/investigations-queue.js';
import { connectQueues } from '../../report/queues.js';
import { RelatedInvestigations } from '../../report/related-investigations.js';
import { ORCHESTRATOR_TYPES, type OrchestratorType } from '../../report/report.js';
import { ResultsPublisher } from '../../report/results-publisher.js';
import { retentionFromEnv } from '../../report/retention.js';
import { rolloutFlagsFromEnv } from '../../rollout/flags.js';
import { closeWithGrace } from '../close-with-grace.js';
import { startInvestigationWorker } from '../investigation-worker.js';
import { liveRollout } from '../live-rollout.js';
import { shadowPercentageFromEnv } from '../shadow.js';
import { ShadowRunner } from '../shadow-run.js';
import { WorkerMetrics } from '../worker-metrics.js';
import { assertModelForRouting, workerSettingsFromEnv } from '../worker-settings.js';

interface WorkerOptions {
  concurrency?: string;
  llm?: string;
  replay?: string;
  metricsPort?: string;
}

/** Runs until SIGTERM/SIGINT; configuration problems stop it before it takes any job (exit 2). */
export async function runWorker(options: WorkerOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  limitHeapGrowth();
  const flags = rolloutFlagsFromEnv(env);
  const llmMode = parseLlmMode(options.llm ?? defaultLlmMode(env));
  const settings = workerSettingsFromEnv(env, options.concurrency);
  const config = loadConfig(env);
  const replayPath = options.replay ?? config.PROMPTRCA_AWS_REPLAY;
  const replay = replayPath ? await loadRecording(replayPath) : undefined;
  const llmSettings = llmMode === 'openai' ? llmSettingsFromEnv(env) : null;
  const metricsAddress = metricsAddressFrom(options.metricsPort, env);
  const shadowPercentage = shadowPercentageFromEnv(env);

  const queues = await connectQueues(env, 'worker');
  const writes = new RedisWriteGate(logger);
  const metrics = new WorkerMetrics({
    redisRefusal: () => writes.refusal,
    investigations: queues.investigations,
    redis: queues.redis,
    activeInvestigations: () => running.inFlight.size,
  });
  // One for AWS and the model: one warning while Redis takes no bookings.
  const limiter = new RedisRateLimiter(queues.redis, queues.prefix);
  const llm = llmSettings
    ? new LlmClient(llmSettings, {
        budget: llmBudgetFrom(config, limiter, llmSettings),
        events: metrics.llmLimits,
      })
    : null;
  const fleetFor = fleetAwsFactory(config, { redis: queues.redis, keyPrefix: queues.prefix }, limiter);
  const awsByRegion = new Map<string, AwsClients>();
  const awsFor = (region: string): AwsClients => {
    let clients = awsByRegion.get(region);
    if (!clients) {
      clients = createAwsClients({ region, replay, fleet: fleetFor(region) });
      awsByRegion.set(region, clients);
    }
    return clients;
  };
  const orchestratorFor = (type: OrchestratorType, alarm: NormalizedAlarm) =>
    createOrchestrator(type, awsFor(alarm.region ?? config.AWS_REGION), llm);

  const stopping = new AbortController();
  const rollout = liveRollout({ redis: queues.redis, prefix: queues.prefix, env, log: logger, hasModel: llm !== null });
  // A start that fails after connecting must not leave Redis or the port open: the process would
  // then neither run nor exit.
  let metricsServer: MetricsServer;
  try {
    // The stored rollout wins over the environment, so whether agent_tools is reachable is known only now.
    assertModelForRouting(await rollout.current(), llmMode);
    metricsServer = await startMetricsServer({
      registry: metrics.registry,
      health: redisReadiness({
        redis: queues.redis,
        stopping: stopping.signal,
        takingJobs: () => running.worker.isRunning(),
        details: () => ({ active_investigations: running.inFlight.size }),
        writes,
        writeProbeKey: writeProbeKey(queues.prefix),
      }),
      ...metricsAddress,
    });
  } catch (error) {
    await queues.close();
    throw error;
  }
  const publisher = new ResultsPublisher(queues, {
    onPublished: (report) => metrics.recordReport(report),
    onExpired: (count) => metrics.recordExpired(count),
    retention: retentionFromEnv(env),
  });
  const shadow = new ShadowRunner({
    // Without a model only direct_invocation can run in shadow.
    settings: { percentage: shadowPercentage, runnable: new Set(llm ? ORCHESTRATOR_TYPES : ['direct_invocation']) },
    orchestratorFor,
    publisher,
    stopping: stopping.signal,
  });
  const running = startInvestigationWorker({
    connection: queues.redis,
    prefix: queues.prefix,
    settings,
    deps: {
      currentFlags: rollout.currentFlags,
      recordAssignment: rollout.recordAssignment,
      orchestratorFor,
      publisher,
      log: logger,
      shadow,
      factRetryMs: config.PROMPTRCA_FACT_RETRY_SECONDS * 1000,
      writes,
      related: new RelatedInvestigations({
        redis: queues.redis,
        keyPrefix: queues.prefix,
        windowMinutes: config.PROMPTRCA_RELATED_WINDOW_MINUTES,
        ...(config.AWS_ACCOUNT_ID ? { account: config.AWS_ACCOUNT_ID } : {}),
      }),
    },
  });
  const signal = firstShutdownSignal(logger);
  await running.worker.waitUntilReady();
  warnIfNodePastEndOfLife(logger);
  logger.info('worker started', {
    worker: running.worker.opts.name,
    queue: INVESTIGATIONS_QUEUE,
    redis: describeRedisTarget(queues.target),
    prefix: queues.prefix,
    concurrency: settings.concurrency,
    use_direct_orchestration: flags.useDirect,
    direct_orchestration_percentage: flags.percentage,
    force_orchestrator: flags.force,
    llm: llm ? llm.settings.model : 'none',
    llm_rpm: loadConfig(env).PROMPTRCA_LLM_RPM,
    llm_tpm: loadConfig(env).PROMPTRCA_LLM_TPM,
    aws_replay: replayPath ?? null,
    shadow_percentage: shadowPercentage,
    metrics: `${metricsServer.url}/metrics`,
  });
  if (shadowPercentage > 0 && !llm) {
    logger.warn('shadow mode needs a model to run agent_tools: it is disabled for agent_tools (no LLM configured)', {
      shadow_percentage: shadowPercentage,
    });
  }
  running.worker.run().catch((error: unknown) => logger.error(`worker stopped taking jobs: ${errorMessage(error)}`));

  logger.info(`${await signal} received`);
  stopping.abort();
  await closeWithGrace(running, settings.shutdownGraceSeconds, logger);
  await metricsServer.close();
  await queues.close();
  logger.info('worker stopped');
  return 0;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('take investigations off the queue, assign each an orchestrator, investigate, publish the report')
    .option('--concurrency <n>', 'investigations run at once by this process (env PROMPTRCA_WORKER_CONCURRENCY, default 10)')
    .option('--llm <mode>', 'openai or none (default: openai when OPENAI_API_KEY or OPENAI_BASE_URL is set)')
    .option(
      '--replay <path>',
      'answer AWS calls from this recording, or a folder of recordings and scenarios merged (env PROMPTRCA_AWS_REPLAY)',
    )
    .option(
      '--metrics-port <n>',
      `serve /metrics, /livez and /readyz on this port (env PROMPTRCA_METRICS_PORT, default ${DEFAULT_METRICS_PORT}; 0 = any free port)`,
    )
    .addHelpText(
      'after',
      '\nThe rollout flags (PROMPTRCA_USE_DIRECT_ORCHESTRATION, _DIRECT_ORCHESTRATION_PERCENTAGE, _FORCE_ORCHESTRATOR)\n' +
        'are checked at start: an invalid value stops the worker (exit 2). At each dequeue the worker routes with\n' +
        'the live rollout (`promptrca rollout set`, read from Redis at most a second old), the environment giving\n' +
        'the values never stored; FORCE always wins. Without a model (--llm none) the worker refuses to start\n' +
        '(exit 2) when that rollout, as read at start, can route to agent_tools, naming the variable or stored value\n' +
        'that does; a later `rollout set` that routes there is logged as an error, and those jobs go back to the\n' +
        'queue for a replica with a model (failed once their attempts run out). Each job keeps the orchestrator\n' +
        'assigned at its first dequeue across retries and restarts.\n' +
        'SIGTERM/SIGINT: stop taking jobs, finish those in flight within PROMPTRCA_SHUTDOWN_GRACE_SECONDS\n' +
        '(default 30), then exit 0; a second signal exits at once. Scale by running more replicas.\n' +
        'PROMPTRCA_SHADOW_PERCENTAGE (0-100, default 0): on that share of investigations (by a hash of the ID, so\n' +
        'every replica agrees) the other orchestrator runs too once the report is published; its report goes to\n' +
        'the results queue marked shadow (job id <investigation id>-shadow) for `compare`. A shadow run in flight\n' +
        'at SIGTERM is abandoned. GET /metrics (Prometheus), /livez (200 while the process runs, even while Redis\n' +
        'is away: the liveness probe) and /readyz (alias /healthz; 503 while stopping or while Redis is away: the\n' +
        'readiness probe) are served on --metrics-port, bound to PROMPTRCA_METRICS_HOST (default 127.0.0.1).\n' +
        describeInvestigationLimits(),
    )
    .action(async (options: WorkerOptions) => {
      process.exitCode = await runWorker(options);
    });
}
