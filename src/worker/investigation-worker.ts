import { hostname } from 'node:os';
import { type Job, Worker } from 'bullmq';
import { errorMessage } from '../platform/errors.js';
import type { RedisClient } from '../platform/redis-connection.js';
import { INVESTIGATIONS_QUEUE } from '../producer/investigations-queue.js';
import { storedOrchestratorTypeOf } from '../rollout/stored-assignment.js';
import { TransientInvestigationError } from './errors.js';
import { type InvestigationProcessorDeps, investigationProcessor, publishJobFailure } from './investigation-processor.js';
import type { WorkerSettings } from './worker-settings.js';

export interface InvestigationWorkerOptions {
  /** A 'worker'-role connection (`maxRetriesPerRequest: null`), as BullMQ requires. */
  connection: RedisClient;
  prefix: string;
  settings: WorkerSettings;
  deps: InvestigationProcessorDeps;
}

export interface InvestigationWorker {
  worker: Worker;
  /** Investigation IDs this process is running now. */
  inFlight: ReadonlySet<string>;
}

const DAY_SECONDS = 86_400;

export function startInvestigationWorker({ connection, prefix, settings, deps }: InvestigationWorkerOptions): InvestigationWorker {
  const { log } = deps;
  const processJob = investigationProcessor(deps);
  const inFlight = new Set<string>();
  const worker = new Worker(
    INVESTIGATIONS_QUEUE,
    async (job: Job, token?: string, signal?: AbortSignal) => {
      const id = job.id ?? '';
      inFlight.add(id);
      try {
        return await processJob(job, token, signal);
      } finally {
        inFlight.delete(id);
      }
    },
    {
      connection,
      prefix,
      // The caller runs it once it has said what it is running with.
      autorun: false,
      name: `${hostname()}:${process.pid}`,
      concurrency: settings.concurrency,
      lockDuration: settings.lockDurationMs,
      stalledInterval: settings.lockDurationMs,
      // One recovery after a killed worker is routine (a SIGKILL, a lost node); a job that has
      // taken down three workers is failed with a report instead of killing a fourth.
      maxStalledCount: 2,
      // Finished jobs are kept for inspection; their deduplication keys outlive them either way.
      removeOnComplete: { age: DAY_SECONDS, count: 10_000 },
      removeOnFail: { age: 7 * DAY_SECONDS, count: 10_000 },
    },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    if (error instanceof TransientInvestigationError) {
      log.warn(error.message, { investigation_id: job.id, orchestrator_type: storedOrchestratorTypeOf(job), attempt: job.attemptsMade });
    } else if (job.deferredFailure) {
      // BullMQ failed it without running the processor (stalled too often): still report it.
      publishJobFailure(deps, job, {
        message: `abandoned: ${job.deferredFailure} (workers running it stopped without finishing)`,
        kind: 'permanent',
      }).catch((publishError: unknown) => log.error(`could not publish the failed report of ${job.id}: ${errorMessage(publishError)}`));
    }
  });
  worker.on('stalled', (jobId) => log.warn('took over an investigation whose worker stopped', { investigation_id: jobId }));
  worker.on('error', (error) => log.error(`worker error: ${errorMessage(error)}`));
  return { worker, inFlight };
}
