import type { Queue } from 'bullmq';
import { loadConfig } from '../platform/config.js';

/** How much of a queue is kept: nothing older than `maxAgeMs`, and only the newest `maxCount` waiting jobs. */
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

/**
 * Removes the oldest waiting jobs beyond `maxCount`. Nothing processes the results queue, so its
 * reports stay in `wait` (newest at the head of the list); replicas trimming at once read the same
 * excess and remove the same jobs, never more.
 */
async function trimByCount(queue: Queue, maxCount: number): Promise<number> {
  let removed = 0;
  for (;;) {
    const excess = (await queue.getWaitingCount()) - maxCount;
    if (excess <= 0) return removed;
    const oldest = await queue.getRanges(['wait'], 0, Math.min(excess, BATCH) - 1, true);
    if (oldest.length === 0) return removed;
    const codes = await Promise.all(oldest.map((id) => queue.remove(id)));
    removed += codes.filter((code) => code === 1).length;
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
 * Keeps a queue within its retention. The count is enforced at every call (one LLEN when nothing is
 * in excess); the age at most once a minute per process. Called by whoever adds to the queue (the
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
