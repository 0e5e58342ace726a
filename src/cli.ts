#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { refusedWriteMessage } from './platform/error-kind.js';
import { errorMessage, PromptRcaError } from './platform/errors.js';

// The SDK prints a nine-line Node-support notice on every run of an older Node; long-running
// commands log it once as a JSON line instead (warnIfNodePastEndOfLife).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

type Register = (program: Command) => void;

/**
 * The commands, each with the one line `promptrca --help` shows and its code, loaded only when that
 * command runs: `--help` and a command that needs no Redis never pay for bullmq, the AWS SDK or openai.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Register> }> = {
  investigate: {
    summary: 'investigate one alarm (or one function) now and print the root cause',
    load: async () => (await import('./orchestrators/commands/investigate-command.js')).registerInvestigateCommand,
  },
  enqueue: {
    summary: 'put alarms on the investigations queue for the workers',
    load: async () => (await import('./producer/commands/enqueue-command.js')).registerEnqueueCommand,
  },
  worker: {
    summary: 'take investigations off the queue, investigate, publish the reports',
    load: async () => (await import('./worker/commands/worker-command.js')).registerWorkerCommand,
  },
  'sqs-bridge': {
    summary: 'move CloudWatch alarm notifications from an SQS queue onto the investigations queue',
    load: async () => (await import('./producer/commands/sqs-bridge-command.js')).registerSqsBridgeCommand,
  },
  results: {
    summary: 'print the reports on the results queue',
    load: async () => (await import('./report/commands/results-command.js')).registerResultsCommand,
  },
  notify: {
    summary: 'deliver reports and rollbacks to webhooks and Slack',
    load: async () => (await import('./report/commands/notify-command.js')).registerNotifyCommand,
  },
  compare: {
    summary: 'compare direct_invocation with agent_tools side by side, with a verdict',
    load: async () => (await import('./rollout/commands/compare-command.js')).registerCompareCommand,
  },
  rollout: {
    summary: 'live rollout of direct_invocation: status, set, rollback, guard',
    load: async () => (await import('./rollout/commands/rollout-command.js')).registerRolloutCommand,
  },
  queue: {
    summary: 'operate the investigations queue: status, pause, resume, drain',
    load: async () => (await import('./worker/commands/queue-command.js')).registerQueueCommand,
  },
  'llm-sim': {
    summary: 'run a local OpenAI-compatible simulator (not a model) for demos and tests',
    load: async () => (await import('./orchestrators/commands/llm-sim-command.js')).registerLlmSimCommand,
  },
};

const EXIT_CODES = '\nExit codes: 0 done, 1 failed (the work or a service it needs), 2 bad input or configuration.';

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** Every command and subcommand states the exit codes in its help. */
function addExitCodes(command: Command): void {
  command.addHelpText('after', EXIT_CODES);
  for (const subcommand of command.commands) addExitCodes(subcommand);
}

/** The command named on the command line (`promptrca help rollout` names rollout too), if any. */
function commandNamed(args: readonly string[]): (typeof COMMANDS)[string] | undefined {
  const [first, second] = args;
  const name = first === 'help' ? second : first;
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

const args = process.argv.slice(2);
const json = args.includes('--json');

/** Under --json, errors go to stderr as one JSON document with the same exit codes. */
function reportError(message: string): void {
  process.stderr.write(json ? `${JSON.stringify({ error: message })}\n` : `promptrca: ${message}\n`);
}

const program = new Command()
  .name('promptrca')
  .description('Find the root cause of AWS serverless incidents from CloudWatch alarms.')
  .version(packageVersion(), '-V, --version', 'print the version')
  .showHelpAfterError(!json)
  .exitOverride()
  .configureOutput({ outputError: (message) => reportError(message.replace(/^error: /, '').trim()) })
  .addHelpText('after', EXIT_CODES)
  // Every variable is checked once, before any command runs (help and --version need none of them).
  .hook('preAction', async () => {
    const config = (await import('./platform/config.js')).loadConfig(process.env);
    if (config.PROMPTRCA_LOG_FILE) (await import('./platform/log.js')).checkLogFile(config.PROMPTRCA_LOG_FILE);
  });

// A reader that goes away (`| head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  const named = commandNamed(args);
  if (named === undefined) {
    for (const [name, { summary }] of Object.entries(COMMANDS)) program.command(name).description(summary);
  } else {
    (await named.load())(program);
    for (const command of program.commands) addExitCodes(command);
  }
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version end "successfully"; every other parse error is bad input (exit 2).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    reportError(refusedWriteMessage(error) ?? errorMessage(error));
    process.exitCode = error instanceof PromptRcaError ? error.exitCode : 1;
  }
}
