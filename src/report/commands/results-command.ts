import { type Job, QueueEvents } from 'bullmq';
import type { Command } from 'commander';
import { wholeNumberOption } from '../../platform/config.js';
import { errorMessage, InputError } from '../../platform/errors.js';
import { logger, moveLogsToStderr } from '../../platform/log.js';
import { connectRedis } from '../../platform/redis-connection.js';
import { formatIncidentLine, groupIncidents } from '../incidents.js';
import { connectQueues, type PromptRcaQueues, RESULTS_QUEUE } from '../queues.js';
import { type Report, ReportSchema, relatedCount } from '../report.js';
import { formatReportLine } from '../report-line.js';

interface ResultsOptions {
  follow?: boolean;
  json?: boolean;
  incidents?: boolean;
  last: number;
}

const STORED_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

/**
 * The newest `last` reports on the results queue, oldest first. Each state is read newest first and
 * only `last` deep, so a queue of 100,000 reports costs no more than a short one.
 */
async function storedReports(queues: PromptRcaQueues, last: number): Promise<Job<Report>[]> {
  if (last === 0) return [];
  const newest = await Promise.all(STORED_STATES.map((state) => queues.results.getJobs([state], 0, last - 1, false)));
  return (newest.flat() as Job<Report>[]).sort((a, b) => a.timestamp - b.timestamp).slice(-last);
}

/**
 * For each report, how many listed reports of its incident came after it (named more others than
 * it does), which its own `related`, built before them, cannot name.
 */
function laterOfIncident(reports: ReadonlyArray<Report | undefined>): number[] {
  const named = new Map<string, number[]>();
  for (const related of reports.map((report) => report?.related)) {
    if (!related) continue;
    const counts = named.get(related.incident_id) ?? [];
    counts.push(relatedCount(related));
    named.set(related.incident_id, counts);
  }
  for (const counts of named.values()) counts.sort((a, b) => a - b);
  return reports.map((report) => {
    const related = report?.related;
    if (!related) return 0;
    const counts = named.get(related.incident_id) ?? [];
    // Binary search for the first count above this report's: a listing may hold a million reports of one incident.
    let low = 0;
    let high = counts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((counts[middle] ?? 0) <= relatedCount(related)) low = middle + 1;
      else high = middle;
    }
    return counts.length - low;
  });
}

/** The newest event id of the results queue, so that following starts exactly where listing did. */
async function lastEventId(queues: PromptRcaQueues): Promise<string> {
  const [newest] = (await queues.redis.xrevrange(queues.results.toKey('events'), '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
  return newest?.[0] ?? '0-0';
}

export async function showResults(options: ResultsOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  moveLogsToStderr();
  // An incident's line changes with every report that joins it: there is no line to print as they arrive.
  if (options.incidents && options.follow) throw new InputError('--incidents cannot be combined with --follow');
  const queues = await connectQueues(env);
  const seen = new Set<string>();
  const parse = (job: Job<Report> | undefined): Report | undefined => {
    if (!job?.id || seen.has(job.id)) return undefined;
    seen.add(job.id);
    const report = ReportSchema.safeParse(job.data);
    if (report.success) return report.data;
    logger.warn(`results job ${job.id} is not a report: ${report.error.issues[0]?.message ?? 'invalid'}`);
    return undefined;
  };
  const print = (report: Report | undefined, later = 0) => {
    if (report) process.stdout.write(`${options.json ? JSON.stringify(report) : formatReportLine(report, later)}\n`);
  };
  try {
    const from = await lastEventId(queues);
    const stored = (await storedReports(queues, options.last)).map(parse);
    if (options.incidents) {
      for (const incident of groupIncidents(stored.filter((report) => report !== undefined)))
        process.stdout.write(`${options.json ? JSON.stringify(incident) : formatIncidentLine(incident)}\n`);
      return 0;
    }
    const later = laterOfIncident(stored);
    for (const [index, report] of stored.entries()) print(report, later[index]);
    if (!options.follow) return 0;

    const blocking = await connectRedis(queues.target, 'worker');
    const events = new QueueEvents(RESULTS_QUEUE, { connection: blocking, prefix: queues.prefix, lastEventId: from });
    events.on('added', ({ jobId }) => {
      queues.results.getJob(jobId).then(
        (job) => print(parse(job as Job<Report> | undefined)),
        (error: unknown) => logger.error(`could not read report ${jobId}: ${errorMessage(error)}`),
      );
    });
    events.on('error', (error) => logger.error(`following ${RESULTS_QUEUE}: ${errorMessage(error)}`));
    await events.waitUntilReady();
    process.stderr.write(`following ${RESULTS_QUEUE}; Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await events.close();
    blocking.disconnect();
    return 0;
  } finally {
    await queues.close();
  }
}

export function registerResultsCommand(program: Command): void {
  program
    .command('results')
    .description(`print the reports on ${RESULTS_QUEUE}, one line each, tagged with their orchestrator (and shadow for shadow runs)`)
    .option('--follow', 'keep printing reports as they arrive (until Ctrl-C)')
    .option('--json', 'print each report (or incident) as one line of JSON')
    .option(
      '--incidents',
      'one line per incident of the reports read (first alarm, resource, investigations, root causes with counts, time span) instead of one per report',
    )
    .option(
      '--last <n>',
      'how many stored reports to print first (with --incidents: to group)',
      wholeNumberOption('--last', 0, 1_000_000),
      20,
    )
    .action(async (options: ResultsOptions) => {
      process.exitCode = await showResults(options);
    });
}
