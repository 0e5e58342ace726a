import type { Queue } from 'bullmq';
import type { Report } from './report.js';

/**
 * The results job id: the investigation ID for the report of the assigned orchestrator,
 * `<investigation ID>-shadow` for the report of the orchestrator that ran in shadow beside it, so
 * the shadow report never takes the place of the primary one. (BullMQ refuses ids with a ':'.)
 */
export function resultsJobId(investigationId: string, shadow: boolean): string {
  return shadow ? `${investigationId}-shadow` : investigationId;
}

/**
 * Publishes reports on `promptrca-results` (job name = orchestrator_type). BullMQ ignores an add
 * whose job id exists, so a re-run can never publish a second report of the same kind.
 */
export class ResultsPublisher {
  /** `onPublished` hears every report once Redis took it (the worker's metrics count them there). */
  constructor(
    private readonly queue: Queue<Report>,
    private readonly onPublished: (report: Report) => void = () => {},
  ) {}

  async publish(report: Report): Promise<void> {
    await this.queue.add(report.orchestrator_type, report, { jobId: resultsJobId(report.investigation_id, report.shadow === true) });
    this.onPublished(report);
  }

  /** True once a report exists, e.g. after a worker died between publishing and completing the job. */
  async isPublished(investigationId: string, shadow = false): Promise<boolean> {
    return (await this.queue.getJob(resultsJobId(investigationId, shadow))) !== undefined;
  }
}
