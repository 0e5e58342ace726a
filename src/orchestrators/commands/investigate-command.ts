import type { Command } from 'commander';
import { loadConfig } from '../../platform/config.js';
import { errorMessage, InputError, RedisUnavailableError } from '../../platform/errors.js';
import { logger, moveLogsToStderr } from '../../platform/log.js';
import { LocalRateLimiter, type RateLimiter, RedisRateLimiter } from '../../platform/rate-limiter.js';
import type { NormalizedAlarm } from '../../producer/alarm.js';
import { readAlarmFile } from '../../producer/alarm-input.js';
import { manualInvestigationId, parseGivenInvestigationId } from '../../producer/investigation-id.js';
import { manualAlarm } from '../../producer/manual-alarm.js';
import { parseAlarmMessage } from '../../producer/parse-alarm.js';
import { formatReport } from '../../report/format-report.js';
import { logReportEnd } from '../../report/log-report-end.js';
import type { OrchestratorType } from '../../report/report.js';
import { assignOrchestrator } from '../../rollout/assignment.js';
import { rolloutFlagsFromEnv } from '../../rollout/flags.js';
import { createAwsClients } from '../aws/clients.js';
import { type FleetStore, fleetAwsFactory } from '../aws/fleet-aws.js';
import { CallRecorder } from '../aws/recorder.js';
import { loadRecording, parseRecording, RECORDING_READ, type Recording } from '../aws/recording.js';
import { createOrchestrator } from '../create-orchestrator.js';
import { describeInvestigationLimits } from '../investigation-limits.js';
import { defaultLlmMode, llmSettingsFromEnv, parseLlmMode } from '../llm/llm-settings.js';
import type { Orchestrator } from '../orchestrator.js';
import { runInvestigation } from '../run-investigation.js';

interface InvestigateOptions {
  alarm?: string;
  functionName?: string;
  investigationId?: string;
  region?: string;
  replay?: string;
  record?: string;
  recordUnredacted?: boolean;
  orchestrator?: string;
  llm?: string;
  json?: boolean;
}

const ORCHESTRATOR_CHOICES: Record<string, OrchestratorType> = {
  direct: 'direct_invocation',
  direct_invocation: 'direct_invocation',
  agent_tools: 'agent_tools',
};

function parseOrchestratorChoice(value: string): OrchestratorType {
  const type = ORCHESTRATOR_CHOICES[value];
  if (!type) throw new InputError(`--orchestrator ${JSON.stringify(value)} is not valid: allowed direct, agent_tools`);
  return type;
}

interface Target {
  alarm: NormalizedAlarm;
  investigationId: string;
  scenario: Recording | null;
}

/** Returns null when the alarm is a transition that is not investigated (OK, INSUFFICIENT_DATA). */
function resolveTarget(options: InvestigateOptions, env: NodeJS.ProcessEnv): Target | null {
  if (options.alarm && options.functionName) throw new InputError('give either --alarm FILE or --function-name NAME, not both');
  if (options.functionName) {
    const region = options.region ?? loadConfig(env).AWS_REGION;
    return {
      alarm: manualAlarm(options.functionName, region),
      investigationId: options.investigationId === undefined ? manualInvestigationId() : parseGivenInvestigationId(options.investigationId),
      scenario: null,
    };
  }
  if (!options.alarm) throw new InputError('nothing to investigate: give --alarm FILE or --function-name NAME');
  const file = readAlarmFile(options.alarm, RECORDING_READ);
  const parsed = parseAlarmMessage(file.message);
  if (parsed.action === 'skip') {
    process.stderr.write(`Skipped: ${parsed.reason}\n`);
    return null;
  }
  return {
    alarm: parsed.alarm,
    investigationId: options.investigationId === undefined ? parsed.investigationId : parseGivenInvestigationId(options.investigationId),
    scenario: file.scenario === null ? null : parseRecording(file.scenario, options.alarm),
  };
}

/**
 * The fleet's Redis, when this investigation should share the workers' AWS rate limits, LLM budget
 * and AWS answers: REDIS_URL is set and AWS is really called (a replay has no quotas). A Redis that
 * does not answer costs a warning, not the investigation: an engineer investigating by hand while
 * Redis is down still gets an answer, with the budgets held within this process.
 */
async function joinFleet(env: NodeJS.ProcessEnv, replaying: boolean): Promise<FleetStore | null> {
  if (replaying) return null;
  const config = loadConfig(env);
  if (!config.given.has('REDIS_URL')) return null;
  // ioredis is loaded only here: an investigation on its own starts without any Redis code.
  const { connectRedis, describeRedisTarget, redisTargetFrom } = await import('../../platform/redis-connection.js');
  const target = redisTargetFrom(config);
  try {
    return { redis: await connectRedis(target, 'command'), keyPrefix: config.PROMPTRCA_QUEUE_PREFIX };
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    logger.warn(
      `${describeRedisTarget(target)} did not answer, so AWS rate limits and the LLM budget hold within this process only: ${errorMessage(error)}`,
    );
    return null;
  }
}

/** The model client, with PROMPTRCA_LLM_RPM and _TPM kept by `limiter` (the fleet's, or this process'). */
async function llmClient(env: NodeJS.ProcessEnv, limiter: RateLimiter) {
  const [{ LlmClient }, { llmBudgetFrom }] = await Promise.all([import('../llm/llm-client.js'), import('../llm/llm-budget.js')]);
  const settings = llmSettingsFromEnv(env);
  return new LlmClient(settings, { budget: llmBudgetFrom(loadConfig(env), limiter, settings) });
}

export async function investigate(options: InvestigateOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  moveLogsToStderr();
  const llmMode = parseLlmMode(options.llm ?? defaultLlmMode(env));
  const flags = rolloutFlagsFromEnv(env);
  const chosen = options.orchestrator === undefined ? null : parseOrchestratorChoice(options.orchestrator);
  const target = resolveTarget(options, env);
  if (!target) return 0;

  const replayPath = options.replay ?? loadConfig(env).PROMPTRCA_AWS_REPLAY;
  const replay = replayPath ? await loadRecording(replayPath) : target.scenario;
  if (options.recordUnredacted && !options.record) throw new InputError('--record-unredacted needs --record FILE');
  const recorder = options.record ? new CallRecorder() : undefined;
  const region = options.region ?? target.alarm.region ?? loadConfig(env).AWS_REGION;
  const store = await joinFleet(env, replay !== null);
  try {
    const limiter = store ? new RedisRateLimiter(store.redis, store.keyPrefix) : new LocalRateLimiter();
    const fleet = fleetAwsFactory(loadConfig(env), store, limiter)(region);
    const aws = createAwsClients({ region, replay: replay ?? undefined, recorder, fleet });
    // openai is loaded only when a model is asked: `--llm none` runs on the rules alone.
    const llm = llmMode === 'openai' ? await llmClient(env, limiter) : null;
    const type = chosen ?? assignOrchestrator(target.investigationId, flags).orchestrator_type;
    const orchestrator = createOrchestrator(type, aws, llm);
    return await runAndPrint(orchestrator, target, options, recorder);
  } finally {
    store?.redis.disconnect();
  }
}

async function runAndPrint(
  orchestrator: Orchestrator,
  target: Target,
  options: InvestigateOptions,
  recorder: CallRecorder | undefined,
): Promise<number> {
  const report = await runInvestigation(orchestrator, { investigationId: target.investigationId, alarm: target.alarm }, logger);
  logReportEnd(logger, report);
  if (recorder && options.record) await recorder.save(options.record, { unredacted: options.recordUnredacted === true });
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  return report.status === 'completed' ? 0 : 1;
}

export function registerInvestigateCommand(program: Command): void {
  program
    .command('investigate')
    .description('investigate one alarm (or one function) now and print the root cause')
    .option(
      '--alarm <file>',
      'alarm message as it arrives (EventBridge, SNS, SNS-in-SQS) or a scenario {alarm, calls}; - reads standard input',
    )
    .option('--function-name <name>', 'investigate a Lambda function without an alarm')
    .option('--investigation-id <id>', 'use this ID instead of a derived or fresh one')
    .option('--region <region>', "AWS region (default: the alarm's, then AWS_REGION, then us-east-1)")
    .option(
      '--replay <path>',
      'answer AWS calls from this recording, or a folder of recordings and scenarios merged (env PROMPTRCA_AWS_REPLAY)',
    )
    .option(
      '--record <file>',
      'write a recording of the AWS calls made, for offline regression cases; environment variable values, passwords in URLs and key-like text are redacted',
    )
    .option('--record-unredacted', 'with --record: write the answers exactly as AWS gave them, secrets included')
    .option('--orchestrator <type>', 'direct or agent_tools (default: the rollout flags decide)')
    .option('--llm <mode>', 'openai or none (default: openai when OPENAI_API_KEY or OPENAI_BASE_URL is set)')
    .option('--json', 'print the report JSON instead of the summary')
    .addHelpText(
      'after',
      `\n${describeInvestigationLimits()}\n` +
        "With REDIS_URL set and AWS really called, AWS calls and model calls wait for their turn under the fleet's\n" +
        'shared rate limits and LLM budget in that Redis (PROMPTRCA_AWS_RATE_LIMITS, PROMPTRCA_LLM_RPM/TPM);\n' +
        'unset, replaying, or with Redis not answering, the limits hold within this process.\n' +
        'Example: promptrca investigate --alarm examples/lambda-timeout.json --orchestrator direct --llm none',
    )
    .action(async (options: InvestigateOptions) => {
      process.exitCode = await investigate(options);
    });
}
