import winston from 'winston';
import { loadScenario } from '../../bench/scenarios.js';
import { createAwsClients } from '../../src/orchestrators/aws/clients.js';
import { DirectInvocationOrchestrator } from '../../src/orchestrators/direct-invocation.js';
import { runInvestigation } from '../../src/orchestrators/run-investigation.js';

const silent = winston.createLogger({ silent: true });

/**
 * A bundled scenario investigated by direct_invocation through the real SDK clients, its recording
 * answering the given commands (`"<service> <command>"`) with an AWS error instead.
 */
export async function investigateWithFailures(example: string, failing: Record<string, { name: string; message: string }> = {}) {
  const scenario = loadScenario(`examples/${example}.json`);
  const calls = scenario.recording.calls.map((call) => {
    const error = failing[`${call.service} ${call.command}`];
    return error ? { ...call, output: null, error } : call;
  });
  const aws = createAwsClients({ region: scenario.alarm.region ?? 'us-east-1', replay: { calls } });
  return runInvestigation(
    new DirectInvocationOrchestrator(aws, null),
    { investigationId: scenario.investigationId, alarm: scenario.alarm },
    silent,
  );
}
