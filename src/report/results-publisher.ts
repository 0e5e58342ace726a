import type { Queue } from 'bullmq';
import type { Report } from './report.js';

/**
 * Publishes reports on `promptrca-results` (job name = orchestrator_type, job id = investigation
 * ID). BullMQ ignores an add whose job id exists, so a re-run can never publish a second report.
 */
export class ResultsPublisher {
  constructor(private readonly queue: Queue<Report>) {}

  async publish(report: Report): Promise<void> {
    await this.queue.add(report.orchestrator_type, report, { jobId: report.investigation_id });
  }

  /** True once a report exists, e.g. after a worker died between publishing and completing the job. */
  async isPublished(investigationId: string): Promise<boolean> {
    return (await this.queue.getJob(investigationId)) !== undefined;
  }
}
