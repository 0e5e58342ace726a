import type { Queue } from 'bullmq';
import type { Logger } from 'winston';
import { errorMessage } from '../platform/errors.js';
import { logger } from '../platform/log.js';
import type { Report } from './report.js';
import { QueueTrimmer, type RemovedJob, type Retention, retentionFromEnv } from './retention.js';

const SHADOW_SUFFIX = '-shadow';

/**
 * The results job id: the investigation ID for the report of the assigned orchestrator,
 * `<investigation ID>-shadow` for the report of the orchestrator that ran in shadow beside it, so
 * the shadow report never takes the place of the primary one. (BullMQ refuses ids with a ':'.)
 */
export function resultsJobId(investigationId: string, shadow: boolean): string {
  return shadow ? `${investigationId}${SHADOW_SUFFIX}` : investigationId;
}

/** A shadow run's report: for `compare`, never delivered to people. */
export const isShadowJobId = (jobId: string) => jobId.endsWith(SHADOW_SUFFIX);

/**
 * A report removed before `notify` took it: still waiting or delayed, and not a shadow run's (which
 * is never delivered). Counted and logged as expired by the trimmer.
 */
export const undeliveredReport = (job: RemovedJob) => (job.state === 'wait' || job.state === 'delayed') && !isShadowJobId(job.id);

/** The results queue's trimmer: what it removes before notify delivered it is counted and logged. */
export function resultsTrimmer(
  results: Queue<Report>,
  retention: Retention,
  options: { onExpired?: (count: number) => void; log?: Logger } = {},
): QueueTrimmer {
  return new QueueTrimmer(results, retention, { ...options, undelivered: undeliveredReport });
}

export interface ResultsPublisherOptions {
  /** Hears every report once Redis took it (the worker's metrics count them there). @defaultValue none */
  onPublished?: (report: Report) => void;
  /** @defaultValue the defaults of PROMPTRCA_RESULTS_MAX_AGE_HOURS and PROMPTRCA_RESULTS_MAX_COUNT */
  retention?: Retention;
  /** Hears how many reports a trim removed before notify delivered them (they are logged too). @defaultValue none */
  onExpired?: (count: number) => void;
  /** @defaultValue the process logger */
  log?: Logger;
}

/**
 * Publishes reports on `promptrca-results` (job name = orchestrator_type, job id = resultsJobId).
 * `notify` consumes that queue to deliver each primary report, and keeps the jobs (completed) for
 * `results`, `compare` and the guard. BullMQ ignores an add whose job id exists, so a re-run can
 * never publish a second report of the same kind. Every publish also keeps the queue within the
 * retention (and `notify` does so on a timer), with or without a consumer.
 */
export class ResultsPublisher {
  private readonly trimmer: QueueTrimmer;
  private readonly onPublished: (report: Report) => void;

  constructor(
    private readonly queues: { results: Queue<Report> },
    options: ResultsPublisherOptions = {},
  ) {
    this.trimmer = resultsTrimmer(queues.results, options.retention ?? retentionFromEnv({}), {
      ...(options.onExpired ? { onExpired: options.onExpired } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    this.onPublished = options.onPublished ?? (() => {});
  }

  async publish(report: Report): Promise<void> {
    const jobId = resultsJobId(report.investigation_id, report.shadow === true);
    await this.queues.results.add(report.orchestrator_type, report, { jobId });
    this.onPublished(report);
    await this.trim();
  }

  /** True once a report exists, e.g. after a worker died between publishing and completing the job. */
  async isPublished(investigationId: string, shadow = false): Promise<boolean> {
    return (await this.queues.results.getJob(resultsJobId(investigationId, shadow))) !== undefined;
  }

  /** A failed trim is retried at the next publish: the report itself is safe, so it is only logged. */
  private async trim(): Promise<void> {
    try {
      await this.trimmer.trim();
    } catch (error) {
      logger.warn(`could not apply the results retention: ${errorMessage(error)}`);
    }
  }
}
