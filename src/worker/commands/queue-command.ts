import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { wholeNumberOption } from '../../platform/config.js';
import { describeRedisTarget } from '../../platform/redis-connection.js';
import { INVESTIGATIONS_QUEUE } from '../../producer/investigations-queue.js';
import { print, withQueues } from '../../report/operator-command.js';
import { type PromptRcaQueues, RESULTS_QUEUE } from '../../report/queues.js';
import { DrainTimeoutError } from '../errors.js';

export interface QueueStatus {
  queue: string;
  redis: string;
  prefix: string;
  paused: boolean;
  counts: Record<string, number>;
  workers: number;
  oldest_waiting_seconds: number | null;
  reports: number;
}

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

export async function queueStatus(queues: PromptRcaQueues, now = Date.now()): Promise<QueueStatus> {
  const { investigations, results } = queues;
  const [counts, paused, workers, oldest, reports] = await Promise.all([
    investigations.getJobCounts(...STATES),
    investigations.isPaused(),
    investigations.getWorkersCount(),
    investigations.getJobs(['wait'], 0, 0, true),
    results.getJobCountByTypes('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'),
  ]);
  const oldestJob = oldest[0];
  return {
    queue: INVESTIGATIONS_QUEUE,
    redis: describeRedisTarget(queues.target),
    prefix: queues.prefix,
    paused,
    counts,
    workers,
    oldest_waiting_seconds: oldestJob ? Math.max(0, Math.round((now - oldestJob.timestamp) / 1000)) : null,
    reports,
  };
}

function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

export function formatQueueStatus(status: QueueStatus): string {
  const count = (state: string) => String(status.counts[state] ?? 0).padStart(7);
  const oldest = status.oldest_waiting_seconds === null ? '' : `   oldest waiting ${formatAge(status.oldest_waiting_seconds)}`;
  return [
    `${status.queue} on ${status.redis} (prefix ${status.prefix}): ${status.paused ? 'PAUSED (workers take no new jobs)' : 'running'}`,
    `  waiting   ${count('waiting')}${oldest}`,
    `  active    ${count('active')}   (in flight)`,
    `  delayed   ${count('delayed')}   (retries waiting for their backoff)`,
    `  completed ${count('completed')}`,
    `  failed    ${count('failed')}`,
    `  workers   ${String(status.workers).padStart(7)}   connected`,
    `${RESULTS_QUEUE}: ${status.reports} reports`,
  ].join('\n');
}

/**
 * Pauses dequeuing for every replica (a flag in Redis, not in the workers) and waits until no
 * investigation is in flight. Deletes nothing: BullMQ's own `drain()` would delete waiting jobs.
 */
export async function drainQueue(
  queues: PromptRcaQueues,
  options: { timeoutSeconds: number; pollMs?: number; progress: (line: string) => void },
): Promise<QueueStatus> {
  const { investigations } = queues;
  await investigations.pause();
  options.progress('paused: no worker takes a new investigation; waiting for those in flight to finish');
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let lastReported = -1;
  for (;;) {
    const active = await investigations.getActive();
    if (active.length === 0) break;
    if (active.length !== lastReported) {
      options.progress(`${active.length} in flight: ${active.map((job) => job.id).join(', ')}`);
      lastReported = active.length;
    }
    if (options.timeoutSeconds > 0 && Date.now() >= deadline) {
      throw new DrainTimeoutError(
        `still ${active.length} in flight after ${options.timeoutSeconds} s (${active.map((job) => job.id).join(', ')}); ` +
          'the queue stays paused: run `promptrca queue drain` again to keep waiting, or `promptrca queue resume`',
      );
    }
    await sleep(options.pollMs ?? 500);
  }
  return queueStatus(queues);
}

export function registerQueueCommand(program: Command): void {
  const queue = program
    .command('queue')
    .description(`operate ${INVESTIGATIONS_QUEUE} across every worker replica: status, pause, resume, drain`);

  queue
    .command('status')
    .description('job counts per state, workers connected, paused or not, age of the oldest waiting job')
    .option('--json', 'print the status as JSON')
    .action((options: { json?: boolean }) =>
      withQueues(async (queues) => {
        const status = await queueStatus(queues);
        print(options.json ? JSON.stringify(status, null, 2) : formatQueueStatus(status));
      }),
    );

  queue
    .command('pause')
    .description('stop every replica from taking new investigations (those in flight finish); nothing is deleted')
    .option('--json', 'print the outcome as JSON')
    .action((options: { json?: boolean }) =>
      withQueues(async (queues) => {
        await queues.investigations.pause();
        print(
          options.json
            ? JSON.stringify({ queue: INVESTIGATIONS_QUEUE, paused: true })
            : `${INVESTIGATIONS_QUEUE} paused: workers take no new investigations until \`promptrca queue resume\``,
        );
      }),
    );

  queue
    .command('resume')
    .description('let every replica take investigations again')
    .option('--json', 'print the outcome as JSON')
    .action((options: { json?: boolean }) =>
      withQueues(async (queues) => {
        await queues.investigations.resume();
        print(options.json ? JSON.stringify({ queue: INVESTIGATIONS_QUEUE, paused: false }) : `${INVESTIGATIONS_QUEUE} resumed`);
      }),
    );

  queue
    .command('drain')
    .description('pause every replica and wait until no investigation is in flight (for a rollback); deletes nothing')
    .option(
      '--timeout <seconds>',
      'give up waiting after this long (exit 1, the queue stays paused); 0 waits for ever',
      wholeNumberOption('--timeout', 0, 86_400),
      600,
    )
    .option('--json', 'print the final queue status as JSON (progress lines go to stderr)')
    .addHelpText('after', '\nWaiting and delayed jobs are kept; `promptrca queue resume` carries on with them.')
    .action((options: { timeout: number; json?: boolean }) =>
      withQueues(async (queues) => {
        const progress = options.json ? (line: string) => process.stderr.write(`${line}\n`) : print;
        const status = await drainQueue(queues, { timeoutSeconds: options.timeout, progress });
        if (options.json) {
          print(JSON.stringify({ drained: true, ...status }, null, 2));
          return;
        }
        print(
          `drained: nothing in flight; kept ${status.counts.waiting ?? 0} waiting and ${status.counts.delayed ?? 0} delayed ` +
            '(nothing deleted). The queue stays paused: `promptrca queue resume` carries on.',
        );
      }),
    );
}
