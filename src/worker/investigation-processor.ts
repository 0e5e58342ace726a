import { type Job, UnrecoverableError, WaitingError } from 'bullmq';
import type { Logger } from 'winston';
import { withInvestigationDeadline } from '../orchestrators/aws/call-deadline.js';
import type { Orchestrator } from '../orchestrators/orchestrator.js';
import { runInvestigation } from '../orchestrators/run-investigation.js';
import { errorKind } from '../platform/error-kind.js';
import { errorMessage } from '../platform/errors.js';
import { type NormalizedAlarm, NormalizedAlarmSchema } from '../producer/alarm.js';
import { MalformedJobError } from '../producer/errors.js';
import { type InvestigationJobData, parseInvestigationJob } from '../producer/investigation-job.js';
import { failedReport } from '../report/failed-report.js';
import { logReportEnd } from '../report/log-report-end.js';
import type { Failure, OrchestratorType, Report, Summary } from '../report/report.js';
import type { ResultsPublisher } from '../report/results-publisher.js';
import { assignOrchestrator } from '../rollout/assignment.js';
import type { RolloutFlags } from '../rollout/flags.js';
import {
  type AssignmentDecision,
  assignmentForJob,
  type StoredAssignment,
  storedOrchestratorTypeOf,
} from '../rollout/stored-assignment.js';
import { TransientInvestigationError } from './errors.js';
import type { ShadowRunner } from './shadow-run.js';

export interface InvestigationProcessorDeps {
  /** Read at every first dequeue; a job that already holds an assignment never consults them. */
  currentFlags: () => RolloutFlags | Promise<RolloutFlags>;
  /** Throws (e.g. OrchestratorUnavailableError) when the type cannot run in this worker. */
  orchestratorFor: (type: OrchestratorType, alarm: NormalizedAlarm) => Orchestrator;
  publisher: ResultsPublisher;
  log: Logger;
  /** Runs the other orchestrator, once the primary report is published, on a sample of investigations. */
  shadow?: ShadowRunner;
  /** Hears each assignment made at a first dequeue (not those reused by retries), for `rollout status`. */
  recordAssignment?: (investigationId: string, assignment: StoredAssignment) => Promise<void>;
  /**
   * How long into an attempt its throttled or timed-out AWS reads are tried again, before the attempt
   * is retried as a whole (or, out of attempts, reports them missing). @defaultValue 0 (each read once)
   */
  factRetryMs?: number;
}

export type ProcessOutcome = Summary | { already_published: true };

/** Runs the orchestrator and keeps what it threw, which the report only holds as text. */
async function investigateCapturingError(
  orchestrator: Orchestrator,
  request: Parameters<Orchestrator['investigate']>[0],
  log: Logger,
): Promise<{ report: Report; error: unknown }> {
  let error: unknown = null;
  const capturing: Orchestrator = {
    type: orchestrator.type,
    investigate: (req, investigationLog) =>
      orchestrator.investigate(req, investigationLog).catch((thrown: unknown) => {
        error = thrown;
        throw thrown;
      }),
  };
  const report = await runInvestigation(capturing, request, log);
  return { report, error };
}

function logFailure(log: Logger, report: Report): void {
  log.error(`Investigation failed: ${report.error}`, { error: report.error, error_kind: report.error_kind });
}

/**
 * Publishes a `failed` report for a job that could not be investigated at all (malformed, or
 * abandoned after killing its workers too often), using whatever of the job is still readable.
 */
export async function publishJobFailure(deps: InvestigationProcessorDeps, job: Job, failure: Failure): Promise<Report> {
  const investigationId = job.id ?? 'unknown';
  const orchestratorType =
    storedOrchestratorTypeOf(job) ?? assignOrchestrator(investigationId, await deps.currentFlags()).orchestrator_type;
  const alarm = NormalizedAlarmSchema.safeParse((job.data as { alarm?: unknown } | null)?.alarm);
  const report = failedReport({ investigationId, orchestratorType, alarm: alarm.success ? alarm.data : null, failure });
  const log = deps.log.child({ investigation_id: investigationId, orchestrator_type: orchestratorType });
  logFailure(log, report);
  await deps.publisher.publish(report);
  logReportEnd(log, report);
  return report;
}

/**
 * The BullMQ processor: validate → assign (or reuse the stored assignment) → investigate →
 * publish exactly one report. Transient failures are retried while attempts remain; any other
 * end publishes a report, `failed` ones included, and fails the job without further retries.
 */
export function investigationProcessor(deps: InvestigationProcessorDeps) {
  return async (job: Job, token?: string, signal?: AbortSignal): Promise<ProcessOutcome> => {
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    let data: InvestigationJobData;
    let decision: AssignmentDecision;
    try {
      data = parseInvestigationJob(job.id ?? '', job.data);
      decision = await assignmentForJob(job, data.investigation_id, deps.currentFlags);
    } catch (error) {
      if (!(error instanceof MalformedJobError)) throw error;
      // Bad data put there by some other program: retrying cannot fix it, and the worker goes on.
      const reason = `${error.name}: ${error.message}`;
      await publishJobFailure(deps, job, { message: reason, kind: 'malformed_job' });
      throw new UnrecoverableError(reason);
    }
    const investigationId = data.investigation_id;
    const { assignment } = decision;
    const log = deps.log.child({ investigation_id: investigationId, orchestrator_type: assignment.orchestrator_type, attempt });
    log.info(`Orchestrator Type: ${assignment.orchestrator_type}`, {
      bucket: assignment.bucket,
      percentage: assignment.percentage,
      assignment_source: assignment.source,
      assignment_reused: !decision.fresh,
      source: data.source,
    });
    if (decision.fresh) await deps.recordAssignment?.(investigationId, assignment);

    const shadowRequest = { investigationId, alarm: data.alarm, assigned: assignment.orchestrator_type, signal };
    if (await deps.publisher.isPublished(investigationId)) {
      log.warn('report already published (an earlier attempt ended before completing the job): not investigating again');
      await deps.publisher.notifyAgain(investigationId);
      await deps.shadow?.run(shadowRequest, log);
      return { already_published: true };
    }

    let outcome: { report: Report; error: unknown };
    try {
      const orchestrator = deps.orchestratorFor(assignment.orchestrator_type, data.alarm);
      outcome = await withInvestigationDeadline(Date.now() + (deps.factRetryMs ?? 0), () =>
        investigateCapturingError(orchestrator, { investigationId, alarm: data.alarm, signal }, log),
      );
    } catch (error) {
      // Only building the orchestrator throws here (runInvestigation never does): agent_tools without
      // a model, say. The report says why; isTransientError decides below whether another worker may
      // take it (one with a model: a live rollout change can send agent_tools work to a model-less worker).
      const report = failedReport({
        investigationId,
        orchestratorType: assignment.orchestrator_type,
        alarm: data.alarm,
        failure: { message: errorMessage(error), kind: errorKind(error) },
      });
      logFailure(log, report);
      outcome = { report, error };
    }

    if (signal?.aborted) {
      // Shutdown ran out of grace: hand the job back untouched (its assignment stays stored).
      await job.moveToWait(token);
      throw new WaitingError();
    }
    if (outcome.error !== null && errorKind(outcome.error) === 'transient' && attempt < attempts) {
      throw new TransientInvestigationError(
        `attempt ${attempt} of ${attempts} failed with a transient error, retrying: ${errorMessage(outcome.error)}`,
        { cause: outcome.error },
      );
    }
    // Not concluded from what survived: a later attempt may read what this one could not.
    const missing = outcome.report.missing_facts ?? [];
    if (missing.length > 0 && attempt < attempts) {
      throw new TransientInvestigationError(`attempt ${attempt} of ${attempts} is missing facts, retrying: ${missing.join('; ')}`);
    }
    await deps.publisher.publish(outcome.report);
    logReportEnd(log, outcome.report);
    await deps.shadow?.run(shadowRequest, log);
    if (outcome.report.status === 'failed') throw new UnrecoverableError(outcome.report.error ?? 'investigation failed');
    return outcome.report.summary;
  };
}
