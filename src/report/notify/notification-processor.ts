import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'winston';
import { type BackoffOptions, backoffDelayMs } from '../../platform/backoff.js';
import { errorMessage } from '../../platform/errors.js';
import { type Report, ReportSchema } from '../report.js';
import { isShadowJobId } from '../results-publisher.js';
import type { Retention } from '../retention.js';
import { type DeliveryOutcome, deliver } from '../sinks/http-delivery.js';
import type { Notice } from '../sinks/notice.js';
import type { Sink } from '../sinks/sink.js';
import type { DeliveryState } from './delivery-state.js';
import type { IncidentRepeats } from './incident-repeats.js';
import { type RolloutChangeNotification, RolloutChangeNotificationSchema } from './notifications-queue.js';
import type { NotifyMetrics } from './notify-metrics.js';

/** From a second for a blip to five minutes for a receiver that is down for long. */
export const DELIVERY_BACKOFF: BackoffOptions = { initialMs: 1_000, maxMs: 300_000, jitter: 0.2 };

export interface NotificationProcessorDeps {
  sinks: readonly Sink[];
  state: DeliveryState;
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

/** What one processing of a report or rollout change did (the job's return value). */
export interface NotificationOutcome {
  delivered: string[];
  undeliverable: string[];
  /** Sinks not sent the report: it repeats a conclusion already sent to them for its incident. */
  muted: string[];
  /** Sinks that had taken it before (a retry caused by another sink, or a job taken over from a killed replica). */
  already_done: string[];
  /** A shadow run's report: for `compare`, not for people, so never delivered. */
  shadow?: true;
}

/** One job to deliver: its id (the delivery state's key), its notice, and the job that carries it. */
interface Delivery {
  id: string;
  notice: Notice;
  job: Job;
  token: string | undefined;
  log: Logger;
}

const emptyOutcome = (): NotificationOutcome => ({ delivered: [], undeliverable: [], muted: [], already_done: [] });

/**
 * The sinks to send the notice to, and the notice as sent: those for which it repeats its
 * incident's conclusion are muted (recorded, counted and logged, so that nothing is dropped
 * silently); the others are sent it with its standing in the incident.
 */
async function muteRepeats(
  deps: NotificationProcessorDeps,
  delivery: Delivery,
  pending: readonly Sink[],
  outcome: NotificationOutcome,
): Promise<{ sending: Sink[]; notice: Notice }> {
  const { notice } = delivery;
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
    await deps.state.record(delivery.id, sink.id, `muted: ${why}`);
    deps.metrics.record(sink, 'muted');
    delivery.log.info(`muted for ${sink.kind} sink ${sink.id}: ${why} (${standing.alarms} alarms so far)`, {
      sink: sink.id,
      incident_id: standing.incident_id,
    });
    outcome.muted.push(sink.id);
  }
  return { sending, notice: { ...notice, standing } };
}

/** Puts the job back as delayed for `delayMs` (within what the retention leaves it); uses no BullMQ attempt. */
async function delay(delivery: Delivery, delayMs: number, now: number): Promise<never> {
  await delivery.job.moveToDelayed(now + delayMs, delivery.token);
  throw new DelayedError();
}

/** The backoff after this job's earlier takes (each delay is one): BullMQ counts every take. */
function backoffFor(deps: NotificationProcessorDeps, job: Job): number {
  return backoffDelayMs(Math.max(job.attemptsStarted - 1, 0), deps.backoff ?? DELIVERY_BACKOFF);
}

/**
 * Delivers the notice to every sink that has not taken it (the delivery state says which), records
 * each outcome as soon as it is known, and, while a sink answers 429, 5xx or not at all, puts the
 * job back as delayed, after the backoff or the longest `Retry-After`, whichever is later. It gives
 * up on a sink (undeliverable: expired) once the job is older than the retention's age. A 4xx other
 * than 429 is permanent for that sink.
 */
async function deliverToSinks(deps: NotificationProcessorDeps, delivery: Delivery): Promise<NotificationOutcome> {
  const now = deps.now ?? Date.now;
  const { id, log } = delivery;
  const states = await deps.state.states(id);
  const pending = deps.sinks.filter((sink) => states[sink.id] === undefined);
  const outcome = emptyOutcome();
  outcome.already_done = deps.sinks.filter((s) => !pending.includes(s)).map((s) => s.id);
  if (pending.length === 0) return outcome;

  const age = now() - delivery.job.timestamp;
  if (age >= deps.retention.maxAgeMs) {
    const why = 'older than the results retention';
    if (delivery.notice.kind === 'report')
      await deps.repeats?.release(
        delivery.notice.report,
        pending.map((sink) => sink.id),
      );
    for (const sink of pending) {
      await deps.state.record(id, sink.id, `undeliverable: expired, ${why}`);
      deps.metrics.record(sink, 'expired');
      log.error(`expired before ${sink.kind} sink ${sink.id} took it: ${why}`, { sink: sink.id });
      outcome.undeliverable.push(sink.id);
    }
    return outcome;
  }

  const { sending, notice: sent } = await muteRepeats(deps, delivery, pending, outcome);
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
  const asked = retries.reduce((longest, retry) => Math.max(longest, retry.retryAfterMs ?? 0), 0);
  return delay(delivery, Math.min(Math.max(backoffFor(deps, delivery.job), asked), deps.retention.maxAgeMs - age), now());
}

/**
 * A failure that is neither a sink's nor the job's data (Redis went away mid-delivery, say): put
 * back after the backoff like a sink's retry, so that a report added without BullMQ attempts is not
 * failed for good by a passing outage. The retention's age still ends it.
 */
async function retryUnexpected(deps: NotificationProcessorDeps, delivery: Delivery, error: unknown): Promise<never> {
  if (error instanceof DelayedError || error instanceof UnrecoverableError) throw error;
  delivery.log.error(`could not deliver, will try again: ${errorMessage(error)}`);
  return delay(delivery, backoffFor(deps, delivery.job), (deps.now ?? Date.now)());
}

/**
 * The BullMQ processor of `promptrca-results`: each report job (id = the investigation ID, data =
 * the report) is delivered to every sink, then completes and stays on the queue for `results`,
 * `compare` and the guard. A shadow run's report completes without delivery; data that is not a
 * report fails with the reason (kept on the failed list), never retried.
 */
export function reportProcessor(deps: NotificationProcessorDeps) {
  return async (job: Job<Report>, token?: string): Promise<NotificationOutcome> => {
    const id = job.id ?? '';
    if (isShadowJobId(id)) return { ...emptyOutcome(), shadow: true };
    const parsed = ReportSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`results job ${id} is not a report: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    if (parsed.data.shadow === true) return { ...emptyOutcome(), shadow: true };
    const delivery = {
      id,
      notice: { kind: 'report', report: parsed.data } as const,
      job,
      token,
      log: deps.log.child({ investigation_id: id }),
    };
    return deliverToSinks(deps, delivery).catch((error: unknown) => retryUnexpected(deps, delivery, error));
  };
}

/** The BullMQ processor of `promptrca-notifications`: announces each rollout change to every sink, as reports are delivered. */
export function rolloutChangeProcessor(deps: NotificationProcessorDeps) {
  return async (job: Job<RolloutChangeNotification>, token?: string): Promise<NotificationOutcome> => {
    const parsed = RolloutChangeNotificationSchema.safeParse(job.data);
    // Another program's data: failed with the reason (kept on the failed list), never retried.
    if (!parsed.success) throw new UnrecoverableError(`not a rollout change: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const { change } = parsed.data;
    const log = deps.log.child({ rollout_change_at: change.at });
    return deliverToSinks(deps, { id: job.id ?? '', notice: { kind: 'rollout_change', change }, job, token, log });
  };
}
