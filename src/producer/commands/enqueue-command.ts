import type { Command } from 'commander';
import { loadConfig } from '../../platform/config.js';
import { errorMessage, InputError } from '../../platform/errors.js';
import { moveLogsToStderr } from '../../platform/log.js';
import { MAX_ENQUEUE_ALARMS, MAX_ENQUEUE_FILE_BYTES, readAlarmBatch } from '../alarm-batch.js';
import { describeAlarmLimits } from '../alarm-text.js';
import { type EnqueueResult, enqueueAlarm, enqueueInvestigation } from '../enqueue.js';
import { type EnqueueSettings, enqueueSettingsFromEnv } from '../enqueue-settings.js';
import { manualInvestigationId, parseGivenInvestigationId } from '../investigation-id.js';
import { connectInvestigationsQueue } from '../investigations-queue.js';
import { manualAlarm } from '../manual-alarm.js';
import { parseAlarmMessage } from '../parse-alarm.js';

interface EnqueueCommandOptions {
  alarm?: string;
  functionName?: string;
  region?: string;
  investigationId?: string;
  json?: boolean;
}

const SOURCE = 'cli';

function formatSeconds(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

export function formatEnqueueResult(result: EnqueueResult, settings: EnqueueSettings): string {
  const head = `${result.outcome.padEnd(9)} ${result.investigationId}  ${result.alarmName}`;
  if (result.outcome === 'duplicate') {
    return `${head}  (already enqueued within the last ${formatSeconds(settings.dedupeTtlSeconds)}: not investigated again)`;
  }
  if (result.outcome === 'skipped') return `${head}  (${result.reason})`;
  return head;
}

function enqueueResultJson(result: EnqueueResult) {
  return {
    outcome: result.outcome,
    investigation_id: result.investigationId,
    alarm_name: result.alarmName,
    ...(result.outcome === 'skipped' ? { reason: result.reason } : {}),
  };
}

/** Every alarm of the file is checked before any is enqueued, so a bad line enqueues nothing. */
function readAlarms(path: string): unknown[] {
  const items = readAlarmBatch(path);
  const problems: string[] = [];
  for (const item of items) {
    try {
      parseAlarmMessage(item.message);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(`${item.where}: ${errorMessage(error)}`);
    }
  }
  if (problems.length > 0) {
    throw new InputError(`nothing enqueued: ${problems.length} of ${items.length} alarms are not valid:\n  ${problems.join('\n  ')}`);
  }
  return items.map((item) => item.message);
}

export async function enqueue(options: EnqueueCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  moveLogsToStderr();
  if (options.alarm && options.functionName) throw new InputError('give either --alarm FILE or --function-name NAME, not both');
  if (!options.alarm && !options.functionName) throw new InputError('nothing to enqueue: give --alarm FILE or --function-name NAME');
  if (options.investigationId && !options.functionName) {
    throw new InputError('--investigation-id goes with --function-name; alarms get the ID derived from their transition');
  }
  const settings = enqueueSettingsFromEnv(env);
  const messages = options.alarm ? readAlarms(options.alarm) : [];
  const manual = options.functionName
    ? {
        investigationId:
          options.investigationId === undefined ? manualInvestigationId() : parseGivenInvestigationId(options.investigationId),
        alarm: manualAlarm(options.functionName, options.region ?? loadConfig(env).AWS_REGION),
      }
    : null;

  const queues = await connectInvestigationsQueue(env);
  try {
    const results: EnqueueResult[] = [];
    const report = (result: EnqueueResult) => {
      results.push(result);
      if (!options.json) process.stdout.write(`${formatEnqueueResult(result, settings)}\n`);
    };
    if (manual) report(await enqueueInvestigation(queues.investigations, manual, { source: SOURCE, settings }));
    for (const message of messages) {
      report(await enqueueAlarm(queues.investigations, message, { source: SOURCE, settings }));
    }
    const count = (outcome: EnqueueResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
    const counts = { new: count('new'), duplicate: count('duplicate'), skipped: count('skipped') };
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ results: results.map(enqueueResultJson), counts }, null, 2)}\n`);
    } else if (results.length > 1) {
      process.stdout.write(`${results.length} alarms: ${counts.new} new, ${counts.duplicate} duplicate, ${counts.skipped} skipped\n`);
    }
    return 0;
  } finally {
    await queues.close();
  }
}

export function registerEnqueueCommand(program: Command): void {
  program
    .command('enqueue')
    .description('put alarms on the investigations queue for the workers (duplicates within the dedupe window are not re-investigated)')
    .option('--alarm <file>', 'one alarm message as it arrives (or a scenario), or many as JSON lines; - reads standard input')
    .option('--function-name <name>', 'enqueue a manual investigation of a Lambda function')
    .option('--region <region>', "the function's AWS region (default: AWS_REGION, then us-east-1)")
    .option('--investigation-id <id>', 'with --function-name: use this ID instead of a fresh one')
    .option('--json', 'print every outcome and the counts as one JSON document')
    .addHelpText(
      'after',
      '\nPrints one line per alarm: new, duplicate (enqueued before, within PROMPTRCA_DEDUPE_TTL_SECONDS,\n' +
        'default 24 h) or skipped (OK / INSUFFICIENT_DATA transitions). Redis is REDIS_URL, keys under\n' +
        'PROMPTRCA_QUEUE_PREFIX.\n' +
        `Limits: a file of at most ${MAX_ENQUEUE_FILE_BYTES / 1024 / 1024} MiB and ${MAX_ENQUEUE_ALARMS} alarms (checked before anything is enqueued);\n` +
        `${describeAlarmLimits()}.\n` +
        'Example: promptrca enqueue --alarm alarms.jsonl',
    )
    .action(async (options: EnqueueCommandOptions) => {
      process.exitCode = await enqueue(options);
    });
}
