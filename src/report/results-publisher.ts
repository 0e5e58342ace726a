import type { Queue } from 'bullmq';
import type { Logger } from 'winston';
import { errorMessage } from '../platform/errors.js';
import { logger } from '../platform/log.js';
import { isRolloutChangeJob, type Notification, notifyOfReport } from './notify/notifications-queue.js';
import type { Report } from './report.js';
import { QueueTrimmer, type Retention, retentionFromEnv } from './retention.js';

/**
 * The results job id: the investigation ID for the report of the assigned orchestrator,
 * `<investigation ID>-shadow` for the report of the orchestrator that ran in shadow beside it, so
 * the shadow report never takes the place of the primary one. (BullMQ refuses ids with a ':'.)
 */
export function resultsJobId(investigationId: string, shadow: boolean): string {
  return shadow ? `${investigationId}-shadow` : investigationId;
}

export interface ResultsPublisherOptions {
  /** Hears every report once Redis took it (the worker's metrics count them there). */
  onPublished?: (report: Report) => void;
  /** @defaultValue the defaults of PROMPTRCA_RESULTS_MAX_AGE_HOURS and PROMPTRCA_RESULTS_MAX_COUNT */
  retention?: Retention;
  /** Hears how many undelivered notifications a trim removed (they are logged too). @defaultValue none */
  onExpired?: (count: number) => void;
  /** @defaultValue the process logger */
  log?: Logger;
}

/**
 * Publishes reports on `promptrca-results` (job name = orchestrator_type) and asks `notify` to
 * deliver each primary report (a shadow run's report is for `compare`, not for people). BullMQ
 * ignores an add whose job id exists, so a re-run can never publish a second report of the same
 * kind. No program consumes the reports, so every publish also keeps both queues within the
 * retention (and `notify` does so on a timer).
 */
export class ResultsPublisher {
  private readonly trimmers: QueueTrimmer[];
  private readonly onPublished: (report: Report) => void;

  constructor(
    private readonly queues: { results: Queue<Report>; notifications: Queue<Notification> },
    options: ResultsPublisherOptions = {},
  ) {
    const retention = options.retention ?? retentionFromEnv({});
    this.trimmers = [
      // A removed report's notification is expired (counted and logged) by notify when it comes to it.
      new QueueTrimmer(queues.results, retention, { undelivered: () => false }),
      new QueueTrimmer(queues.notifications, retention, {
        spared: isRolloutChangeJob,
        ...(options.log ? { log: options.log } : {}),
        ...(options.onExpired ? { onExpired: options.onExpired } : {}),
      }),
    ];
    this.onPublished = options.onPublished ?? (() => {});
  }

  async publish(report: Report): Promise<void> {
    const shadow = report.shadow === true;
    const jobId = resultsJobId(report.investigation_id, shadow);
    await this.queues.results.add(report.orchestrator_type, report, { jobId });
    if (!shadow) await notifyOfReport(this.queues.notifications, jobId);
    this.onPublished(report);
    await this.trim();
  }

  /**
   * For a report an earlier attempt published before it died: makes sure `notify` was asked to
   * deliver it (the attempt may have died between the two adds). Sinks that took it already are
   * not sent it again.
   */
  async notifyAgain(investigationId: string): Promise<void> {
    await notifyOfReport(this.queues.notifications, resultsJobId(investigationId, false));
  }

  /** True once a report exists, e.g. after a worker died between publishing and completing the job. */
  async isPublished(investigationId: string, shadow = false): Promise<boolean> {
    return (await this.queues.results.getJob(resultsJobId(investigationId, shadow))) !== undefined;
  }

  /** A failed trim is retried at the next publish: the report itself is safe, so it is only logged. */
  private async trim(): Promise<void> {
    try {
      for (const trimmer of this.trimmers) await trimmer.trim();
    } catch (error) {
      logger.warn(`could not apply the results retention: ${errorMessage(error)}`);
    }
  }
}
