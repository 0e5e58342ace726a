import { Transform } from 'node:stream';
import winston from 'winston';
import { createAwsClients } from '../../src/orchestrators/aws/clients.js';
import { loadRecording } from '../../src/orchestrators/aws/recording.js';
import { createOrchestrator } from '../../src/orchestrators/create-orchestrator.js';
import type { RedisClient } from '../../src/platform/redis-connection.js';
import { connectRedis } from '../../src/platform/redis-connection.js';
import { INVESTIGATE_JOB } from '../../src/producer/investigations-queue.js';
import { parseAlarmMessage } from '../../src/producer/parse-alarm.js';
import type { PromptRcaQueues } from '../../src/report/queues.js';
import type { OrchestratorType } from '../../src/report/report.js';
import { ResultsPublisher } from '../../src/report/results-publisher.js';
import type { RolloutFlags } from '../../src/rollout/flags.js';
import { startInvestigationWorker } from '../../src/worker/investigation-worker.js';
import { ShadowRunner, type ShadowRunnerOptions } from '../../src/worker/shadow-run.js';
import { openQueues, REDIS_URL, SCENARIO, waitFor } from './pipeline.js';

/** Every new investigation goes to agent_tools, which a worker with no model cannot run; direct_invocation runs on rules. */
export const AGENT_TOOLS_ONLY: RolloutFlags = { useDirect: false, percentage: 100, force: null };

export const ENQUEUE_SETTINGS = { dedupeTtlSeconds: 3600, attempts: 3, backoffSeconds: 0 };

/** An assignment as an earlier attempt stored it: direct_invocation at 10%. */
export const DIRECT_AT_10 = {
  orchestrator_type: 'direct_invocation',
  bucket: 7,
  percentage: 10,
  source: 'env',
  assigned_at: '2025-01-02T00:00:00.000Z',
};

export interface ReplayWorker {
  queues: PromptRcaQueues;
  publisher: ResultsPublisher;
  /** Every entry the worker logged so far, as winston handed it on. */
  logs: Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * An investigation worker in this process on the queues under `prefix`, with no model (flags
 * AGENT_TOOLS_ONLY), AWS answered from the bundled scenario's recording, and every log entry kept.
 * With `shadow`, it runs shadow investigations with those settings.
 */
export async function startReplayWorker(
  prefix: string,
  shadow?: Omit<ShadowRunnerOptions, 'orchestratorFor' | 'publisher'>,
): Promise<ReplayWorker> {
  const queues = await openQueues(prefix);
  const workerRedis: RedisClient = await connectRedis(REDIS_URL, 'worker');
  const aws = createAwsClients({ region: 'us-east-1', replay: await loadRecording(SCENARIO) });
  const logs: Array<Record<string, unknown>> = [];
  const capture = new Transform({
    objectMode: true,
    transform(info: Record<string, unknown>, _encoding, done) {
      logs.push(info);
      done();
    },
  });
  const orchestratorFor = (type: OrchestratorType) => createOrchestrator(type, aws, null);
  const publisher = new ResultsPublisher(queues);
  const running = startInvestigationWorker({
    connection: workerRedis,
    prefix,
    settings: { concurrency: 2, shutdownGraceSeconds: 5, lockDurationMs: 5_000 },
    deps: {
      currentFlags: () => AGENT_TOOLS_ONLY,
      orchestratorFor,
      publisher,
      log: winston.createLogger({ transports: [new winston.transports.Stream({ stream: capture })] }),
      shadow: shadow && new ShadowRunner({ ...shadow, orchestratorFor, publisher }),
    },
  });
  void running.worker.run();
  return {
    queues,
    publisher,
    logs,
    async stop() {
      await running.worker.close();
      workerRedis.disconnect();
      await queues.close();
    },
  };
}

/** Waits until the job is completed or failed, and says which. */
export async function finished(queues: PromptRcaQueues, id: string): Promise<string> {
  await waitFor(
    async () => ['completed', 'failed'].includes(await queues.investigations.getJobState(id)),
    15_000,
    () => `job ${id} to finish`,
  );
  return queues.investigations.getJobState(id);
}

/** A job as a retry finds it: an earlier attempt stored its assignment (DIRECT_AT_10). */
export async function addWithStoredAssignment(queues: PromptRcaQueues, message: unknown): Promise<string> {
  const { investigationId, alarm } = parseAlarmMessage(message);
  const data = {
    investigation_id: investigationId,
    alarm,
    received_at: new Date().toISOString(),
    source: 'test',
    assignment: DIRECT_AT_10,
  };
  await queues.investigations.add(INVESTIGATE_JOB, data, { jobId: investigationId, attempts: 3 });
  return investigationId;
}
