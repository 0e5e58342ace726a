import type { Command } from 'commander';
import { errorMessage } from '../errors.js';
import { logger, warnIfNodePastEndOfLife } from '../log.js';
import { createAwsClients, type AwsClients } from '../orchestrators/aws/clients.js';
import { loadRecording } from '../orchestrators/aws/recording.js';
import { createOrchestrator } from '../orchestrators/create-orchestrator.js';
import { LlmClient } from '../orchestrators/llm/llm-client.js';
import { defaultLlmMode, llmSettingsFromEnv, parseLlmMode } from '../orchestrators/llm/llm-settings.js';
import type { NormalizedAlarm } from '../producer/alarm.js';
import { connectQueues, INVESTIGATIONS_QUEUE } from '../producer/queues.js';
import { redactRedisUrl } from '../producer/redis-connection.js';
import type { OrchestratorType } from '../report/report.js';
import { ResultsPublisher } from '../report/results-publisher.js';
import { rolloutFlagsFromEnv } from '../rollout/flags.js';
import { startInvestigationWorker } from './investigation-worker.js';
import { closeWithGrace, firstShutdownSignal } from './shutdown.js';
import { assertModelForRouting, workerSettingsFromEnv } from './worker-settings.js';

interface WorkerOptions {
  concurrency?: string;
  llm?: string;
  replay?: string;
}

/** Runs until SIGTERM/SIGINT; configuration problems stop it before it takes any job (exit 2). */
export async function runWorker(options: WorkerOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const flags = rolloutFlagsFromEnv(env);
  const llmMode = parseLlmMode(options.llm ?? defaultLlmMode(env));
  assertModelForRouting(flags, llmMode);
  const settings = workerSettingsFromEnv(env, options.concurrency);
  const replayPath = options.replay ?? env.PROMPTRCA_AWS_REPLAY;
  const replay = replayPath ? await loadRecording(replayPath) : undefined;
  const llm = llmMode === 'openai' ? new LlmClient(llmSettingsFromEnv(env)) : null;

  const awsByRegion = new Map<string, AwsClients>();
  const awsFor = (region: string): AwsClients => {
    let clients = awsByRegion.get(region);
    if (!clients) {
      clients = createAwsClients({ region, replay });
      awsByRegion.set(region, clients);
    }
    return clients;
  };
  const orchestratorFor = (type: OrchestratorType, alarm: NormalizedAlarm) =>
    createOrchestrator(type, awsFor(alarm.region ?? env.AWS_REGION ?? 'us-east-1'), llm);

  const queues = await connectQueues(env, 'worker');
  const running = startInvestigationWorker({
    connection: queues.redis,
    prefix: queues.prefix,
    settings,
    deps: { currentFlags: () => flags, orchestratorFor, publisher: new ResultsPublisher(queues.results), log: logger },
  });
  const signal = firstShutdownSignal(logger);
  await running.worker.waitUntilReady();
  warnIfNodePastEndOfLife(logger);
  logger.info('worker started', {
    worker: running.worker.opts.name,
    queue: INVESTIGATIONS_QUEUE,
    redis: redactRedisUrl(queues.redisUrl),
    prefix: queues.prefix,
    concurrency: settings.concurrency,
    use_direct_orchestration: flags.useDirect,
    direct_orchestration_percentage: flags.percentage,
    force_orchestrator: flags.force,
    llm: llm ? llm.settings.model : 'none',
    aws_replay: replayPath ?? null,
  });
  running.worker.run().catch((error: unknown) => logger.error(`worker stopped taking jobs: ${errorMessage(error)}`));

  logger.info(`${await signal} received`);
  await closeWithGrace(running, settings.shutdownGraceSeconds, logger);
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
    .option('--replay <file>', 'answer AWS calls from this recording (env PROMPTRCA_AWS_REPLAY)')
    .addHelpText(
      'after',
      '\nThe rollout flags (PROMPTRCA_USE_DIRECT_ORCHESTRATION, _DIRECT_ORCHESTRATION_PERCENTAGE, _FORCE_ORCHESTRATOR)\n' +
        'are read at start; an invalid value, or a possible agent_tools route with no model, stops the worker\n' +
        '(exit 2). Each job keeps the orchestrator assigned at its first dequeue across retries and restarts.\n' +
        'SIGTERM/SIGINT: stop taking jobs, finish those in flight within PROMPTRCA_SHUTDOWN_GRACE_SECONDS\n' +
        '(default 30), then exit 0; a second signal exits at once. Scale by running more replicas.',
    )
    .action(async (options: WorkerOptions) => {
      process.exitCode = await runWorker(options);
    });
}
