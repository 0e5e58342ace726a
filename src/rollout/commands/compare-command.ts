import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig, parseOption } from '../../platform/config.js';
import { errorMessage, InputError } from '../../platform/errors.js';
import { moveLogsToStderr } from '../../platform/log.js';
import { connectRedis, redisTargetFrom } from '../../platform/redis-connection.js';
import { renderComparePage } from '../../report/compare-html.js';
import { compareResult } from '../../report/compare-result.js';
import { formatComparison } from '../../report/format-comparison.js';
import { collectQueuedReports } from '../../report/queued-reports.js';
import { connectQueues, RESULTS_QUEUE } from '../../report/queues.js';
import { ReportCollection } from '../../report/report-collection.js';
import { collectReportFile } from '../../report/report-files.js';
import { parseSince } from '../../report/since-option.js';
import { PROMOTION_GATES, ROLLOUT_PHASES } from '../../report/verdict.js';
import { effectiveRollout } from '../effective-rollout.js';
import { readStoredRollout } from '../rollout-state.js';

interface CompareOptions {
  since?: string;
  json?: boolean;
  html?: string;
  currentPercentage?: string;
  progress?: boolean;
}

/**
 * The share of investigations routed to direct_invocation now: the live rollout in Redis over the
 * environment's flags. Redis unavailable is an error (exit 1), never a guess from the environment.
 */
export async function currentRolloutPercentage(env: NodeJS.ProcessEnv): Promise<number> {
  // An invalid environment is bad input (exit 2) whether or not Redis answers.
  effectiveRollout(env, null);
  const config = loadConfig(env);
  const redis = await connectRedis(redisTargetFrom(config), 'command');
  try {
    return effectiveRollout(env, await readStoredRollout(redis, config.PROMPTRCA_QUEUE_PREFIX)).direct_percentage;
  } finally {
    redis.disconnect();
  }
}

/** Fails before a long read rather than after it when the page cannot be written. */
async function checkWritable(path: string): Promise<void> {
  try {
    await access(dirname(resolve(path)), constants.W_OK);
  } catch (error) {
    throw new InputError(`--html ${path}: cannot write there (${errorMessage(error)})`);
  }
}

export async function runCompare(
  files: string[],
  options: CompareOptions,
  env: NodeJS.ProcessEnv = process.env,
  now: Date = new Date(),
): Promise<number> {
  moveLogsToStderr();
  const since = options.since === undefined ? null : { value: options.since, from: new Date(now.getTime() - parseSince(options.since)) };
  const currentPercentage =
    options.currentPercentage === undefined
      ? await currentRolloutPercentage(env)
      : parseOption('PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE', '--current-percentage', options.currentPercentage);
  if (options.html !== undefined) await checkWritable(options.html);

  let total: number | null = null;
  const grouped = (count: number) => count.toLocaleString('en-US');
  const progress = (read: number) =>
    process.stderr.write(`compare: read ${grouped(read)}${total === null ? '' : ` of ${grouped(total)}`} entries\n`);
  const showProgress = options.progress === true || process.stderr.isTTY === true;
  const collection = new ReportCollection({ since: since?.from ?? null, onProgress: showProgress ? progress : undefined });

  let source: string;
  if (files.length > 0) {
    for (const file of files) await collectReportFile(file, collection);
    source = files.length === 1 ? (files[0] ?? '') : `${files.length} files`;
  } else {
    const queues = await connectQueues(env);
    try {
      await collectQueuedReports(queues.results, collection, (count) => (total = count));
    } finally {
      await queues.close();
    }
    source = `${RESULTS_QUEUE} (prefix ${queues.prefix})`;
  }

  const collected = collection.result();
  const result = compareResult(collected, { source, since, currentPercentage, now });
  process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : formatComparison(result)}\n`);
  if (options.html !== undefined) {
    await writeFile(options.html, renderComparePage(result, collected.reports));
    process.stderr.write(`compare: wrote ${options.html}\n`);
  }
  return 0;
}

export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description(
      `compare direct_invocation with agent_tools side by side (from ${RESULTS_QUEUE}, or from report FILES) ` +
        'and judge the rollout against its promotion gates',
    )
    .argument('[files...]', 'report files instead of the results queue: one report, a JSON array of reports, or JSON lines')
    .option('--since <duration>', 'only reports that started within this time: 30m, 1h, 2d')
    .option('--json', 'print the whole comparison and verdict as JSON')
    .option('--html <file>', 'also write a self-contained page with charts (duration, tokens, confidence)')
    .option(
      '--current-percentage <n>',
      'the rollout percentage to judge from (default: the live rollout, as `promptrca rollout status` shows it: 0 while direct orchestration is disabled)',
    )
    .option('--progress', 'print progress on stderr while reading (on by default when stderr is a terminal)')
    .addHelpText(
      'after',
      `
Verdict (direct_invocation against agent_tools; phases ${ROLLOUT_PHASES.join(' → ')}%):
  roll back     a failure gate breaks: any critical error (a failed direct_invocation investigation
                that agent_tools completed, or, unpaired, whose error is not throttling/timeout/5xx/
                connection trouble); error rate ≥ ${PROMOTION_GATES.maxErrorRate * 100}%; mean confidence below ${PROMOTION_GATES.minConfidence.toFixed(2)} or below agent_tools
  hold          fewer than ${PROMOTION_GATES.minReports} reports of either orchestrator (says how many more), or a performance gate
                not met: p50 duration ≥ ${PROMOTION_GATES.minLatencyReduction * 100}% lower, mean tokens ≥ ${PROMOTION_GATES.minTokenReduction * 100}% fewer, mean facts ≥ ${PROMOTION_GATES.minFacts}
  promote to N% every gate passes: the next phase (at 100%: fully rolled out)
Shadow reports count; pairs of both orchestrators on one investigation are reported. Reports of
malformed jobs (no alarm, or error_kind malformed_job: another program's data) count for neither and are
left out, with their number and why.
Without --current-percentage the live rollout is read from Redis, report FILES or not.
The verdict never sets the exit code: 0 whatever it says; 1 when Redis is unavailable.`,
    )
    .action(async (files: string[], options: CompareOptions) => {
      process.exitCode = await runCompare(files, options);
    });
}
