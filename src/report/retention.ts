import type { Queue } from 'bullmq';
import type { Logger } from 'winston';
import { loadConfig } from '../platform/config.js';
import { logger } from '../platform/log.js';

/** How much of a queue is kept: nothing older than `maxAgeMs`, and only the newest `maxCount` jobs, whatever their state. */
export interface Retention {
  maxAgeMs: number;
  maxCount: number;
}

const HOUR_MS = 3_600_000;

/** PROMPTRCA_RESULTS_MAX_AGE_HOURS and PROMPTRCA_RESULTS_MAX_COUNT. */
export function retentionFromEnv(env: NodeJS.ProcessEnv): Retention {
  const config = loadConfig(env);
  return { maxAgeMs: config.PROMPTRCA_RESULTS_MAX_AGE_HOURS * HOUR_MS, maxCount: config.PROMPTRCA_RESULTS_MAX_COUNT };
}

/** Jobs removed per Redis round trip, so that a first trim of a long-unbounded queue never blocks Redis for long. */
const BATCH = 1_000;

/** The states retention removes from; an `active` job is being handled and is left to finish. */
const TRIMMED_STATES = ['wait', 'delayed', 'completed', 'failed'] as const;

/** Every job the queue holds, whatever its state: what the count bound is held against. */
const counted = (queue: Queue) => queue.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed');

type TrimmedState = (typeof TRIMMED_STATES)[number];

/** A job retention removed, and the state it was in. */
export interface RemovedJob {
  id: string;
  state: TrimmedState;
}

/** The `count` oldest ids of each trimmed state, each with its state and the time its job was added. */
async function oldestCandidates(queue: Queue, count: number): Promise<Array<RemovedJob & { timestamp: number }>> {
  const byState = await Promise.all(
    TRIMMED_STATES.map(async (state) => (await queue.getRanges([state], 0, count - 1, true)).map((id) => ({ id, state }))),
  );
  const jobs = byState.flat();
  const client = await queue.getBackend().client;
  const timestamps = await Promise.all(jobs.map(({ id }) => client.hget(queue.toKey(id), 'timestamp')));
  return jobs.map((job, index) => ({ ...job, timestamp: Number(timestamps[index] ?? 0) }));
}

/**
 * Removes the oldest jobs beyond `maxCount`, counting every state: reports that a consumer
 * completed sit in `completed`, those nobody consumed in `wait`. Each state's oldest (by the order
 * it keeps) are candidates, and the oldest of them by the time they were added go first. Replicas
 * trimming at once read the same excess and pick the same jobs, so they never remove more.
 */
async function trimByCount(queue: Queue, maxCount: number): Promise<RemovedJob[]> {
  const removed: RemovedJob[] = [];
  for (;;) {
    const excess = (await counted(queue)) - maxCount;
    if (excess <= 0) return removed;
    const batch = Math.min(excess, BATCH);
    const oldest = (await oldestCandidates(queue, batch)).sort((a, b) => a.timestamp - b.timestamp).slice(0, batch);
    const codes = await Promise.all(oldest.map(({ id }) => queue.remove(id)));
    const now = oldest.filter((_, index) => codes[index] === 1).map(({ id, state }) => ({ id, state }));
    // Nothing removable (every job in excess is active, or another trimmer took them): done for now.
    if (now.length === 0) return removed;
    removed.push(...now);
  }
}

/**
 * Removes jobs older than `maxAgeMs` from every state a report can be in (BullMQ's `clean` looks at
 * the oldest `BATCH` of a state per call, so this repeats until a call removes fewer).
 */
async function trimByAge(queue: Queue, maxAgeMs: number): Promise<RemovedJob[]> {
  const removed: RemovedJob[] = [];
  for (const state of TRIMMED_STATES) {
    for (;;) {
      const cleaned = await queue.clean(maxAgeMs, BATCH, state);
      removed.push(...cleaned.map((id) => ({ id, state })));
      if (cleaned.length < BATCH) break;
    }
  }
  return removed;
}

/** How often one process trims by age: every publish would rescan the oldest jobs for nothing. */
const AGE_TRIM_INTERVAL_MS = 60_000;

/** What a trimmer is told about the queue it keeps. */
export interface QueueTrimmerOptions {
  /**
   * Whether a removed job had never been delivered: it is counted and logged as expired, never
   * dropped silently. @defaultValue a job removed while waiting or delayed
   */
  undelivered?: (job: RemovedJob) => boolean;
  /** Hears how many undelivered jobs one trim removed (for a metric). @defaultValue none */
  onExpired?: (count: number) => void;
  /** @defaultValue the clock */
  now?: () => number;
  /** @defaultValue the process logger */
  log?: Logger;
}

const waitingOrDelayed = (job: RemovedJob) => job.state === 'wait' || job.state === 'delayed';

/** How many ids a log line names. */
const IDS_SHOWN = 5;

/** How often one trimmer may warn of what it removed undelivered. */
const EXPIRED_WARNING_INTERVAL_MS = 60_000;

/**
 * Keeps a queue within its retention. The count is enforced at every call (one count of the states
 * when nothing is in excess); the age at most once a minute per process. Called by whoever adds to
 * the queue (the results publisher) and by `notify` on a timer, so the bound holds with or without
 * a consumer. What it removes before it was delivered is counted at once and logged at most once a minute.
 */
export class QueueTrimmer {
  private lastAgeTrim = 0;
  private lastWarning = Number.NEGATIVE_INFINITY;
  /** Removed undelivered since the last warning: how many, and the first ids. */
  private unlogged = 0;
  private unloggedIds: string[] = [];
  private heldWarning: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(
    private readonly queue: Queue,
    private readonly retention: Retention,
    private readonly options: QueueTrimmerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The number of jobs removed. */
  async trim(): Promise<number> {
    const removed = await trimByCount(this.queue, this.retention.maxCount);
    if (this.now() - this.lastAgeTrim >= AGE_TRIM_INTERVAL_MS) {
      this.lastAgeTrim = this.now();
      removed.push(...(await trimByAge(this.queue, this.retention.maxAgeMs)));
    }
    const expired = removed.filter(this.options.undelivered ?? waitingOrDelayed);
    if (expired.length > 0) {
      this.options.onExpired?.(expired.length);
      this.unlogged += expired.length;
      this.unloggedIds.push(...expired.slice(0, IDS_SHOWN - this.unloggedIds.length).map((job) => job.id));
    }
    this.warnOfExpired();
    return removed.length;
  }

  /**
   * One warning a minute at most, naming what was removed undelivered since the last one: a fleet
   * that runs no notify trims at every publish once the queue is full, and one line per publish
   * would bury every other log line.
   */
  private warnOfExpired(): void {
    if (this.unlogged === 0) return;
    const wait = this.lastWarning + EXPIRED_WARNING_INTERVAL_MS - this.now();
    if (wait > 0) {
      // Held back: said when the minute is up, even if no trim comes then (a burst, then quiet).
      this.heldWarning ??= setTimeout(() => {
        this.heldWarning = undefined;
        this.warnOfExpired();
      }, wait).unref();
      return;
    }
    this.lastWarning = this.now();
    (this.options.log ?? logger).warn(
      `the results retention removed ${this.unlogged} ${this.queue.name} job(s) never delivered ` +
        `(PROMPTRCA_RESULTS_MAX_COUNT ${this.retention.maxCount}, _MAX_AGE_HOURS ${this.retention.maxAgeMs / HOUR_MS}): ` +
        `${this.unloggedIds.join(', ')}${this.unlogged > this.unloggedIds.length ? ', …' : ''}; is notify running and keeping up? ` +
        'Further removals within a minute are counted in the metrics and logged together then',
      { queue: this.queue.name, expired: this.unlogged },
    );
    this.unlogged = 0;
    this.unloggedIds = [];
  }
}
