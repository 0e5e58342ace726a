import type { Queue } from 'bullmq';
import { errorMessage } from '../platform/errors.js';
import { type EnqueueSettings, enqueueSettingsFromEnv } from './enqueue-settings.js';
import { EnqueueFailedError } from './errors.js';
import type { InvestigationJobData, InvestigationTarget } from './investigation-job.js';
import { INVESTIGATE_JOB } from './investigations-queue.js';
import { parseAlarmMessage } from './parse-alarm.js';

export type EnqueueResult =
  | { outcome: 'new' | 'duplicate'; investigationId: string; alarmName: string }
  | { outcome: 'skipped'; investigationId: string; alarmName: string; reason: string };

export interface EnqueueOptions {
  /** Where the alarm came from, kept on the job (`cli`, `sqs`, the name of your program …). */
  source: string;
  /** @defaultValue the PROMPTRCA_DEDUPE_TTL_SECONDS / _JOB_ATTEMPTS / _JOB_BACKOFF_SECONDS environment */
  settings?: EnqueueSettings;
  /** Kept on the job as `received_at`. @defaultValue now */
  receivedAt?: Date;
}

/**
 * Puts one investigation on the queue with the investigation ID as job id and as deduplication
 * id. The deduplication key outlives the job (BullMQ keeps it for its TTL when a finished job is
 * removed), so an alarm delivered again within the window is not investigated twice.
 * Rejects with EnqueueFailedError when Redis does not take the job.
 */
export async function enqueueInvestigation(
  queue: Queue<InvestigationJobData>,
  target: InvestigationTarget,
  options: EnqueueOptions,
): Promise<EnqueueResult> {
  const settings = options.settings ?? enqueueSettingsFromEnv(process.env);
  const receivedAt = options.receivedAt ?? new Date();
  const { investigationId, alarm } = target;
  const data: InvestigationJobData = {
    investigation_id: investigationId,
    alarm,
    received_at: receivedAt.toISOString(),
    source: options.source,
  };
  try {
    // BullMQ answers a duplicate with the existing job's id, which is ours too: whether this call
    // created the job shows in the deduplication key beforehand, in the stored job afterwards, and in
    // a claim that only one of several concurrent calls wins (replicas given the same alarm in the
    // same millisecond). The claim comes after the job exists: a call that fails between the two
    // (Redis gone) is retried and then finds the job, never a claim without one.
    if ((await queue.getDeduplicationJobId(investigationId)) !== null) {
      return { outcome: 'duplicate', investigationId, alarmName: alarm.name };
    }
    await queue.add(INVESTIGATE_JOB, data, {
      jobId: investigationId,
      timestamp: receivedAt.getTime(),
      deduplication: { id: investigationId, ttl: settings.dedupeTtlSeconds * 1000 },
      attempts: settings.attempts,
      backoff: { type: 'exponential', delay: settings.backoffSeconds * 1000 },
    });
    const stored = await queue.getJob(investigationId);
    const isNew =
      stored?.timestamp === receivedAt.getTime() &&
      stored.data.received_at === data.received_at &&
      (await claimEnqueue(queue, investigationId, settings));
    return { outcome: isNew ? 'new' : 'duplicate', investigationId, alarmName: alarm.name };
  } catch (error) {
    throw new EnqueueFailedError(`could not enqueue ${investigationId} (alarm "${alarm.name}"): ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

/** SET NX with the dedupe window as its lifetime: 'OK' for the first caller only. */
const CLAIM_COMMAND = 'promptrcaClaimEnqueue';
const CLAIM_SCRIPT = { numberOfKeys: 1, lua: "return redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX')" };

/** Whether this call is the first to enqueue the investigation within the dedupe window. */
async function claimEnqueue(queue: Queue<InvestigationJobData>, investigationId: string, settings: EnqueueSettings): Promise<boolean> {
  const redis = await queue.getBackend().client;
  redis.defineCommand(CLAIM_COMMAND, CLAIM_SCRIPT);
  return (await redis.runCommand(CLAIM_COMMAND, [queue.toKey(`claim:${investigationId}`), settings.dedupeTtlSeconds * 1000])) === 'OK';
}

/**
 * Parses an alarm as it arrives (EventBridge, SNS, SQS message, Lambda event …) and enqueues it;
 * OK and INSUFFICIENT_DATA transitions are skipped with the reason. Throws AlarmParseError (an
 * InputError) for anything that is not an alarm, EnqueueFailedError when Redis does not take it.
 */
export async function enqueueAlarm(queue: Queue<InvestigationJobData>, message: unknown, options: EnqueueOptions): Promise<EnqueueResult> {
  const parsed = parseAlarmMessage(message);
  if (parsed.action === 'skip') {
    return { outcome: 'skipped', investigationId: parsed.investigationId, alarmName: parsed.alarm.name, reason: parsed.reason };
  }
  return enqueueInvestigation(queue, parsed, options);
}
