#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { errorMessage, PromptRcaError } from './platform/errors.js';
import { loadConfig } from './platform/config.js';
import { registerInvestigateCommand } from './orchestrators/commands/investigate-command.js';
import { registerLlmSimCommand } from './orchestrators/commands/llm-sim-command.js';
import { registerEnqueueCommand } from './producer/commands/enqueue-command.js';
import { registerSqsBridgeCommand } from './producer/commands/sqs-bridge-command.js';
import { registerCompareCommand } from './rollout/commands/compare-command.js';
import { registerResultsCommand } from './report/commands/results-command.js';
import { registerRolloutCommand } from './rollout/commands/rollout-command.js';
import { registerQueueCommand } from './worker/commands/queue-command.js';
import { registerWorkerCommand } from './worker/commands/worker-command.js';

// The SDK prints a nine-line Node-support notice on every run under Node 20; long-running commands
// log it once as a JSON line instead (warnIfNodePastEndOfLife).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command()
  .name('promptrca')
  .description('Find the root cause of AWS serverless incidents from CloudWatch alarms.')
  .showHelpAfterError()
  .exitOverride();

registerInvestigateCommand(program);
registerLlmSimCommand(program);
registerEnqueueCommand(program);
registerSqsBridgeCommand(program);
registerWorkerCommand(program);
registerResultsCommand(program);
registerCompareCommand(program);
registerQueueCommand(program);
registerRolloutCommand(program);

// A reader that goes away (`| head`) is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

try {
  // Every variable is checked once, before any command runs: a bad value stops here with exit 2.
  loadConfig(process.env);
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version end "successfully"; every other parse error is bad input (exit 2).
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`promptrca: ${errorMessage(error)}\n`);
    process.exitCode = error instanceof PromptRcaError ? error.exitCode : 1;
  }
}
