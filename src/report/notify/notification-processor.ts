import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import type { Logger } from 'winston';
import { type BackoffOptions, backoffDelayMs } from '../../platform/backoff.js';
import { type Report, ReportSchema } from '../report.js';
import type { Retention } from '../retention.js';
import { type DeliveryOutcome, deliver } from '../sinks/http-delivery.js';
import type { Notice } from '../sinks/notice.js';
import type { Sink } from '../sinks/sink.js';
import type { DeliveryState } from './delivery-state.js';
import type { IncidentRepeats } from './incident-repeats.js';
import { type Notification, NotificationSchema } from './notifications-queue.js';
import type { NotifyMetrics } from './notify-metrics.js';

/** From a second for a blip to five minutes for a receiver that is down for long. */
export const DELIVERY_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 300_000, jitter: 0.2 };

export interface NotificationProcessorDeps {
  sinks: readonly Sink[];
  state: DeliveryState;
  results: Queue<Report>;
  retention: Retention;
  metrics: NotifyMetrics;
  log: Logger;
  /** Mutes reports that repeat a conclusion already sent for their incident (PROMPTRCA_NOTIFY_REPEATS=mute). @defaultValue none: every report is sent */
  repeats?: IncidentRepeats;
  /** @defaultValue DELIVERY_BACKOFF */
  backoff?: BackoffOptions;
  /** @defaultValue the clock */
  now?: () => number;
}

/** What one processing of a notification did (the job's return value). */
export interface NotificationOutcome {
  delivered: string[];
  undeliverable: string[];
  /** Sinks not sent the report: it repeats a conclusion already sent to them for its incident. */
  muted: string[];
  /** Sinks that had taken it before (a retry caused by another sink, or a duplicate notification). */
  already_done: string[];
}

/** The report the notification names, or null once retention removed it. */
async function noticeFor(notification: Notification, results: Queue<Report>): Promise<Notice | null> {
  if (notification.kind === 'rollout_change') return { kind: 'rollout_change', change: notification.change };
  const job = await results.getJob(notification.results_job_id);
  if (!job) return null;
  const report = ReportSchema.safeParse(job.data);
  if (!report.success) throw new UnrecoverableError(`results job ${notification.results_job_id} is not a report: ${report.error.message}`);
  return { kind: 'report', report: report.data };
}

const describe = (notification: Notification) =>
  notification.kind === 'report' ? { investigation_id: notification.results_job_id } : { rollout_change_at: notification.change.at };

/**
 * The sinks to send the notice to, and the notice as sent: those for which it repeats its
 * incident's conclusion are muted (recorded, counted and logged, so that nothing is dropped
 * silently); the others are sent it with its standing in the incident.
 */
async function muteRepeats(
  notice: Notice,
  pending: readonly Sink[],
  deps: NotificationProcessorDeps & { id: string; log: Logger; outcome: NotificationOutcome },
): Promise<{ sending: Sink[]; notice: Notice }> {
  if (notice.kind !== 'report' || !deps.repeats) return { sending: [...pending], notice };
  const claimed = await deps.repeats.claim(
    notice.report,
    pending.map((sink) => sink.id),
  );
  if (claimed === null) return { sending: [...pending], notice };
  const { standing } = claimed;
  const sending: Sink[] = [];
  for (const [index, decision] of claimed.decisions.entries()) {
    const sink = pending[index] as Sink;
    if (decision.send) {
      sending.push(sink);
      continue;
    }
    const why = `repeats ${standing.conclusion} of incident ${standing.incident_id}, sent as ${decision.sentAs}`;
    await deps.state.record(deps.id, sink.id, `muted: ${why}`);
    deps.metrics.record(sink, 'muted');
    deps.log.info(`muted for ${sink.kind} sink ${sink.id}: ${why} (${standing.alarms} alarms so far)`, {
      sink: sink.id,
      incident_id: standing.incident_id,
    });
    deps.outcome.muted.push(sink.id);
  }
  return { sending, notice: { ...notice, standing } };
}

/**
 * The BullMQ processor of `promptrca-notifications`: delivers the notice to every sink that has not
 * taken it (the delivery state says which), records each outcome as soon as it is known, and, while
 * a sink answers 429, 5xx or not at all, puts the job back as delayed, after the backoff or the
 * longest `Retry-After`, whichever is later. It gives up on a sink (undeliverable: expired) once the
 * report is gone from the results queue or older than the retention's age. A 4xx other than 429 is
 * permanent for that sink. A delay uses no BullMQ attempt: those are for failures of Redis itself.
 */
export function notificationProcessor(deps: NotificationProcessorDeps) {
  const now = deps.now ?? Date.now;
  return async (job: Job<Notification>, token?: string): Promise<NotificationOutcome> => {
    const parsed = NotificationSchema.safeParse(job.data);
    // Another program's data: failed with the reason (kept on the failed list), never retried.
    if (!parsed.success) throw new UnrecoverableError(`not a notification: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const notification = parsed.data;
    const id = job.id ?? '';
    const log = deps.log.child(describe(notification));
    const states = await deps.state.states(id);
    const pending = deps.sinks.filter((sink) => states[sink.id] === undefined);
    const outcome: NotificationOutcome = {
      delivered: [],
      undeliverable: [],
      muted: [],
      already_done: deps.sinks.filter((s) => !pending.includes(s)).map((s) => s.id),
    };
    if (pending.length === 0) return outcome;

    const notice = await noticeFor(notification, deps.results);
    const age = now() - job.timestamp;
    if (notice === null || age >= deps.retention.maxAgeMs) {
      const why = notice === null ? 'the report is no longer on the results queue (retention)' : 'older than the results retention';
      if (notice?.kind === 'report')
        await deps.repeats?.release(
          notice.report,
          pending.map((sink) => sink.id),
        );
      for (const sink of pending) {
        await deps.state.record(id, sink.id, `undeliverable: expired, ${why}`);
        deps.metrics.record(sink, 'expired');
        log.error(`notification expired before ${sink.kind} sink ${sink.id} took it: ${why}`, { sink: sink.id });
        outcome.undeliverable.push(sink.id);
      }
      return outcome;
    }

    const { sending, notice: sent } = await muteRepeats(notice, pending, { ...deps, id, log, outcome });
    const retries: Array<DeliveryOutcome & { outcome: 'retry' }> = [];
    await Promise.all(
      sending.map(async (sink) => {
        const result = await deliver(sink, sent);
        if (result.outcome === 'delivered') {
          // Recorded at once: a crash before this line is the one way a sink gets a notice twice.
          await deps.state.record(id, sink.id, 'delivered');
          deps.metrics.record(sink, 'delivered');
          log.info(`delivered to ${sink.kind} sink ${sink.id}`, { sink: sink.id, status: result.status });
          outcome.delivered.push(sink.id);
        } else if (result.outcome === 'undeliverable') {
          await deps.state.record(id, sink.id, `undeliverable: ${result.reason}`);
          // Not delivered: the next report of this conclusion is sent to this sink instead.
          if (sent.kind === 'report') await deps.repeats?.release(sent.report, [sink.id]);
          deps.metrics.record(sink, 'undeliverable');
          log.error(`undeliverable to ${sink.kind} sink ${sink.id} (${sink.label}): ${result.reason}`, {
            sink: sink.id,
            status: result.status,
          });
          outcome.undeliverable.push(sink.id);
        } else {
          deps.metrics.record(sink, 'retried');
          retries.push(result);
          log.warn(`${sink.kind} sink ${sink.id} (${sink.label}) will be tried again: ${result.reason}`, { sink: sink.id });
        }
      }),
    );
    if (retries.length === 0) return outcome;

    const retriesSoFar = notification.retries ?? 0;
    const asked = retries.reduce((longest, retry) => Math.max(longest, retry.retryAfterMs ?? 0), 0);
    const delay = Math.min(Math.max(backoffDelayMs(retriesSoFar, deps.backoff ?? DELIVERY_BACKOFF), asked), deps.retention.maxAgeMs - age);
    await job.updateData({ ...notification, retries: retriesSoFar + 1 });
    await job.moveToDelayed(now() + delay, token);
    throw new DelayedError();
  };
}
