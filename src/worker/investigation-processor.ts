import { type Job, UnrecoverableError, WaitingError } from 'bullmq';
import type { Logger } from 'winston';
import { withInvestigationDeadline } from '../orchestrators/aws/call-deadline.js';
import type { Orchestrator } from '../orchestrators/orchestrator.js';
import { runInvestigation } from '../orchestrators/run-investigation.js';
import { errorKind, isTransientError } from '../platform/error-kind.js';
import { errorMessage } from '../platform/errors.js';
import { RedisWriteGate } from '../platform/redis-write-gate.js';
import { type NormalizedAlarm, NormalizedAlarmSchema } from '../producer/alarm.js';
import { MalformedJobError } from '../producer/errors.js';
import { type InvestigationJobData, parseInvestigationJob } from '../producer/investigation-job.js';
import { failedReport } from '../report/failed-report.js';
import { logReportEnd } from '../report/log-report-end.js';
import type { RelatedInvestigations } from '../report/related-investigations.js';
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
  /**
   * Retries the job's writes while Redis refuses them (out of memory, read-only, loading) and says so.
   * @defaultValue a gate of the processor's own
   */
  writes?: RedisWriteGate;
  /** Names in each report the other investigations of its resource. @defaultValue none (no `related`) */
  related?: RelatedInvestigations;
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
  await (deps.writes ?? new RedisWriteGate(log)).write('publish the report', () => deps.publisher.publish(report));
  logReportEnd(log, report);
  return report;
}

/** The investigation's report, or a failed one when the orchestrator cannot even be built. */
async function investigateOrFail(
  deps: InvestigationProcessorDeps,
  assignment: StoredAssignment,
  data: InvestigationJobData,
  log: Logger,
  signal?: AbortSignal,
): Promise<{ report: Report; error: unknown }> {
  const investigationId = data.investigation_id;
  try {
    const orchestrator = deps.orchestratorFor(assignment.orchestrator_type, data.alarm);
    return await withInvestigationDeadline(Date.now() + (deps.factRetryMs ?? 0), () =>
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
    return { report, error };
  }
}

/**
 * The report naming the other investigations of its resource. Redis refusing or away is thrown, for
 * the write gate to wait it out with the publish (registering twice lists the same); any other
 * failure leaves the report as it is (the report matters more).
 */
async function withRelated(related: RelatedInvestigations | undefined, report: Report, log: Logger): Promise<Report> {
  if (!related || report.related) return report;
  try {
    const found = await related.register(report);
    return found ? { ...report, related: found } : report;
  } catch (error) {
    if (isTransientError(error)) throw error;
    log.warn(`could not relate the report to other investigations of its resource: ${errorMessage(error)}`);
    return report;
  }
}

/**
 * Reports kept for a later attempt at most: far above one worker's reports in flight (its
 * concurrency), so only reports whose jobs other replicas took over are ever forgotten.
 */
const MAX_KEPT_REPORTS = 1_000;

/**
 * The BullMQ processor: validate → assign (or reuse the stored assignment) → investigate →
 * publish exactly one report. Transient failures are retried while attempts remain; any other
 * end publishes a report, `failed` ones included, and fails the job without further retries.
 */
export function investigationProcessor(deps: InvestigationProcessorDeps) {
  const writes = deps.writes ?? new RedisWriteGate(deps.log);
  // Reports built but not yet taken by Redis, by investigation ID: a later attempt in this process
  // only publishes them, so an investigation (and its model calls) is never paid for twice.
  const built = new Map<string, Report>();
  return async (job: Job, token?: string, signal?: AbortSignal): Promise<ProcessOutcome> => {
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    let data: InvestigationJobData;
    let decision: AssignmentDecision;
    try {
      data = parseInvestigationJob(job.id ?? '', job.data);
      const investigationId = data.investigation_id;
      decision = await writes.write('store the assignment', () => assignmentForJob(job, investigationId, deps.currentFlags), signal);
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
    const { recordAssignment } = deps;
    if (decision.fresh && recordAssignment) {
      await writes.write('record the assignment', () => recordAssignment(investigationId, assignment), signal);
    }

    const shadowRequest = { investigationId, alarm: data.alarm, assigned: assignment.orchestrator_type, signal };
    if (await writes.write('read the results', () => deps.publisher.isPublished(investigationId), signal)) {
      built.delete(investigationId);
      log.warn('report already published (an earlier attempt ended before completing the job): not investigating again');
      await deps.shadow?.run(shadowRequest, log);
      return { already_published: true };
    }

    const kept = built.get(investigationId);
    if (kept) log.info('publishing the report an earlier attempt built (Redis refused it): not investigating again');
    const outcome = kept ? { report: kept, error: null } : await investigateOrFail(deps, assignment, data, log, signal);

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
    built.set(investigationId, outcome.report);
    // A report whose job went on on another replica is never asked for here again: forget the oldest.
    if (built.size > MAX_KEPT_REPORTS) built.delete(built.keys().next().value as string);
    const report = await writes.write(
      'publish the report',
      async () => {
        const related = await withRelated(deps.related, outcome.report, log);
        await deps.publisher.publish(related);
        return related;
      },
      signal,
    );
    built.delete(investigationId);
    logReportEnd(log, report);
    await deps.shadow?.run(shadowRequest, log);
    if (report.status === 'failed') throw new UnrecoverableError(report.error ?? 'investigation failed');
    return report.summary;
  };
}
