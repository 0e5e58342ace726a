import type { Logger } from 'winston';
import type { Orchestrator } from '../orchestrators/orchestrator.js';
import { runInvestigation } from '../orchestrators/run-investigation.js';
import { errorMessage } from '../platform/errors.js';
import type { NormalizedAlarm } from '../producer/alarm.js';
import { logReportEnd } from '../report/log-report-end.js';
import type { OrchestratorType } from '../report/report.js';
import type { ResultsPublisher } from '../report/results-publisher.js';
import { type ShadowSettings, shadowOrchestratorFor } from './shadow.js';

export interface ShadowRunnerOptions {
  settings: ShadowSettings;
  orchestratorFor: (type: OrchestratorType, alarm: NormalizedAlarm) => Orchestrator;
  publisher: ResultsPublisher;
  /** Aborted at the first SIGTERM/SIGINT: a shadow run is optional work, abandoned rather than waited for. */
  stopping: AbortSignal;
}

export interface ShadowRequest {
  investigationId: string;
  alarm: NormalizedAlarm;
  assigned: OrchestratorType;
  /** The job's own signal (aborted when the shutdown grace period is over). */
  signal?: AbortSignal;
}

/**
 * Runs the other orchestrator on an investigation whose primary report is already published, and
 * publishes its report marked `shadow: true`. Never throws: a shadow run must not fail or retry the
 * primary job, whose report is out before it starts.
 */
export class ShadowRunner {
  constructor(private readonly options: ShadowRunnerOptions) {}

  async run(request: ShadowRequest, log: Logger): Promise<void> {
    const { investigationId, alarm, assigned } = request;
    const type = shadowOrchestratorFor(investigationId, assigned, this.options.settings);
    if (type === null) return;
    // Every line of the run, its summary line included, carries shadow: true, so Logs Insights
    // statistics can leave shadow runs out (`filter not ispresent(shadow)`) or look at them alone.
    const shadowLog = log.child({ orchestrator_type: type, shadow: true });
    const { stopping } = this.options;
    try {
      if (stopping.aborted) {
        shadowLog.info('shadow run skipped: the worker is stopping');
        return;
      }
      if (await this.options.publisher.isPublished(investigationId, true)) {
        shadowLog.info('shadow report already published (an earlier attempt ended before completing the job)');
        return;
      }
      shadowLog.info(`Shadow run: ${type} beside ${assigned}`);
      const signal = request.signal ? AbortSignal.any([stopping, request.signal]) : stopping;
      const report = await runInvestigation(this.options.orchestratorFor(type, alarm), { investigationId, alarm, signal }, shadowLog);
      if (signal.aborted) {
        shadowLog.warn('shadow run abandoned: the worker is stopping; no shadow report for this investigation');
        return;
      }
      const shadowReport = { ...report, shadow: true };
      await this.options.publisher.publish(shadowReport);
      logReportEnd(shadowLog, shadowReport);
    } catch (error) {
      shadowLog.warn(`shadow run failed, the primary report stands: ${errorMessage(error)}`);
    }
  }
}
