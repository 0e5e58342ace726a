import type { Queue } from 'bullmq';
import { loadConfig } from '../platform/config.js';

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

/** The `count` oldest ids of each trimmed state, each with the time its job was added. */
async function oldestCandidates(queue: Queue, count: number): Promise<Array<{ id: string; timestamp: number }>> {
  const ids = (await Promise.all(TRIMMED_STATES.map((state) => queue.getRanges([state], 0, count - 1, true)))).flat();
  const client = await queue.getBackend().client;
  const timestamps = await Promise.all(ids.map((id) => client.hget(queue.toKey(id), 'timestamp')));
  return ids.map((id, index) => ({ id, timestamp: Number(timestamps[index] ?? 0) }));
}

/**
 * Removes the oldest jobs beyond `maxCount`, counting every state: reports that a consumer
 * completed sit in `completed`, those nobody consumed in `wait`. Each state's oldest (by the order
 * it keeps) are candidates, and the oldest of them by the time they were added go first. Replicas
 * trimming at once read the same excess and pick the same jobs, so they never remove more.
 */
async function trimByCount(queue: Queue, maxCount: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const excess = (await counted(queue)) - maxCount;
    if (excess <= 0) return removed;
    const batch = Math.min(excess, BATCH);
    const oldest = (await oldestCandidates(queue, batch)).sort((a, b) => a.timestamp - b.timestamp).slice(0, batch);
    const codes = await Promise.all(oldest.map(({ id }) => queue.remove(id)));
    const now = codes.filter((code) => code === 1).length;
    // Nothing removable (every job in excess is active, or another trimmer took them): done for now.
    if (now === 0) return removed;
    removed += now;
  }
}

/**
 * Removes jobs older than `maxAgeMs` from every state a report can be in (BullMQ's `clean` looks at
 * the oldest `BATCH` of a state per call, so this repeats until a call removes fewer).
 */
async function trimByAge(queue: Queue, maxAgeMs: number): Promise<number> {
  let removed = 0;
  for (const state of ['wait', 'delayed', 'completed', 'failed'] as const) {
    for (;;) {
      const cleaned = await queue.clean(maxAgeMs, BATCH, state);
      removed += cleaned.length;
      if (cleaned.length < BATCH) break;
    }
  }
  return removed;
}

/** How often one process trims by age: every publish would rescan the oldest jobs for nothing. */
const AGE_TRIM_INTERVAL_MS = 60_000;

/**
 * Keeps a queue within its retention. The count is enforced at every call (one count of the states when
 * nothing is in excess); the age at most once a minute per process. Called by whoever adds to the queue (the
 * results publisher) and by `notify` on a timer, so the bound holds with or without a consumer.
 */
export class QueueTrimmer {
  private lastAgeTrim = 0;

  constructor(
    private readonly queue: Queue,
    private readonly retention: Retention,
    private readonly now: () => number = Date.now,
  ) {}

  /** The number of jobs removed. */
  async trim(): Promise<number> {
    let removed = await trimByCount(this.queue, this.retention.maxCount);
    if (this.now() - this.lastAgeTrim >= AGE_TRIM_INTERVAL_MS) {
      this.lastAgeTrim = this.now();
      removed += await trimByAge(this.queue, this.retention.maxAgeMs);
    }
    return removed;
  }
}
