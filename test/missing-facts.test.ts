import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { loadScenario } from '../bench/scenarios.js';
import { withInvestigationDeadline } from '../src/orchestrators/aws/call-deadline.js';
import { createAwsClients } from '../src/orchestrators/aws/clients.js';
import { DirectInvocationOrchestrator } from '../src/orchestrators/direct-invocation.js';
import { runFactCall } from '../src/orchestrators/facts/fact-call.js';
import { type LlmSim, startLlmSim } from '../src/orchestrators/llm-sim/llm-sim-server.js';
import { runInvestigation } from '../src/orchestrators/run-investigation.js';
import { runAgentTools } from './support/agent-run.js';

const silent = winston.createLogger({ silent: true });
const throttle = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

describe('no conclusion from missing facts', () => {
  it('a throttled read is tried again with backoff until the investigation deadline', async () => {
    let attempts = 0;
    const flaky = async () => {
      attempts += 1;
      if (attempts < 3) throw throttle();
      return 'answer';
    };
    const call = { service: 'logs', command: 'FilterLogEvents' };
    expect(await withInvestigationDeadline(Date.now() + 5_000, () => runFactCall(call, flaky))).toBe('answer');
    expect(attempts).toBe(3);
  });

  it('outside an investigation deadline, or for a permanent error, a read is tried once', async () => {
    let attempts = 0;
    const failing = async () => {
      attempts += 1;
      throw throttle();
    };
    await expect(runFactCall({ service: 'logs', command: 'FilterLogEvents' }, failing)).rejects.toThrow('ThrottlingException');
    expect(attempts).toBe(1);
    const denied = async () => {
      attempts += 1;
      throw Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    };
    await expect(
      withInvestigationDeadline(Date.now() + 5_000, () => runFactCall({ service: 'lambda', command: 'X' }, denied)),
    ).rejects.toThrow();
    expect(attempts).toBe(2);
  });

  it('logs still throttled at the end: root cause unknown at confidence 0, the report naming the missing read', async () => {
    const scenario = loadScenario('examples/lambda-timeout.json');
    const calls = scenario.recording.calls.map((call) =>
      call.command === 'FilterLogEvents'
        ? { ...call, output: null, error: { name: 'ThrottlingException', message: 'Rate exceeded' } }
        : call,
    );
    const aws = createAwsClients({ region: 'us-east-1', replay: { calls } });
    const report = await runInvestigation(
      new DirectInvocationOrchestrator(aws, null),
      { investigationId: scenario.investigationId, alarm: scenario.alarm },
      silent,
    );
    expect(report.status).toBe('completed');
    expect(report.root_cause).toMatchObject({ type: 'unknown', confidence: 0 });
    expect(report.root_cause?.description).toContain('cloudwatch-logs FilterLogEvents failed: ThrottlingException');
    expect(report.missing_facts).toEqual([expect.stringContaining('cloudwatch-logs FilterLogEvents failed: ThrottlingException')]);
  });

  describe('agent_tools', () => {
    let sim: LlmSim;
    beforeAll(async () => {
      sim = await startLlmSim();
    });
    afterAll(async () => {
      await sim.close();
    });

    it('a fact tool whose read stays throttled: the same missing_facts and unknown at confidence 0 as direct', async () => {
      const { report } = await runAgentTools('lambda-timeout.json', sim.url, { throttledCommands: ['FilterLogEvents'] });
      expect(report.status).toBe('completed');
      expect(report.root_cause).toMatchObject({ type: 'unknown', confidence: 0 });
      expect(report.missing_facts).toEqual([expect.stringContaining('cloudwatch-logs FilterLogEvents failed: ThrottlingException')]);
      // The reads that were answered are still the report's facts.
      expect(report.facts.map((fact) => fact.source)).toContain('lambda.GetFunctionConfiguration');
    });

    it('a permanent failure (no such command recorded) is a warning, not a missing fact', async () => {
      const { report } = await runAgentTools('lambda-timeout.json', sim.url, { withoutCommands: ['GetFunctionConcurrency'] });
      expect(report.missing_facts).toBeUndefined();
      expect(report.root_cause?.type).toBe('timeout');
    });
  });
});
