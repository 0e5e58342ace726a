import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../src/report/report.js';
import { REPO_ROOT, runCli } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'promptrca-cli-'));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const DIRECT = ['--orchestrator', 'direct', '--llm', 'none'];
const timeoutScenario = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/lambda-timeout.json'), 'utf8'));

describe('investigate: human summary and exit codes', () => {
  it('prints the root cause, its confidence, evidence and advice', async () => {
    const result = await runCli(['investigate', '--alarm', 'examples/lambda-timeout.json', ...DIRECT], { LOG_LEVEL: 'info' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Root cause: timeout \(confidence 0\.\d\d\)/);
    expect(result.stdout).toContain('Task timed out after 3.00 seconds');
    expect(result.stdout).toMatch(/Advice:\n {2}- Raise the timeout/);
    // The closing log lines (info, shown with LOG_LEVEL=info), once each, on stderr: stdout holds only the report.
    const closing = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === 'investigation summary' || String(line.message).startsWith('Root Cause Confidence: '));
    expect(closing).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/^Root Cause Confidence: 0\.\d\d$/),
        orchestrator_type: 'direct_invocation',
        root_cause_type: 'timeout',
      }),
      expect.objectContaining({
        message: 'investigation summary',
        orchestrator_type: 'direct_invocation',
        status: 'completed',
        investigation_id: expect.any(String),
      }),
    ]);
  });

  it('skips an OK transition with the reason and exit 0', async () => {
    const message = JSON.parse(timeoutScenario.alarm.Message ?? 'null') ?? null;
    const ok = message
      ? { ...timeoutScenario.alarm, Message: JSON.stringify({ ...message, NewStateValue: 'OK', OldStateValue: 'ALARM' }) }
      : {
          ...timeoutScenario.alarm,
          detail: { ...timeoutScenario.alarm.detail, state: { ...timeoutScenario.alarm.detail.state, value: 'OK' } },
        };
    const result = await runCli(['investigate', '--alarm', file('ok.json', JSON.stringify(ok)), ...DIRECT]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Skipped: .*OK/);
    expect(result.stdout).toBe('');
  });

  it('replays another recording with --replay and records calls with --record', async () => {
    const replay = file('replay.json', JSON.stringify({ calls: timeoutScenario.calls }));
    const recordPath = join(dir, 'recorded.json');
    const alarm = file('alarm.json', JSON.stringify(timeoutScenario.alarm));
    const result = await runCli(['investigate', '--alarm', alarm, '--replay', replay, '--record', recordPath, ...DIRECT, '--json']);
    expect(result.code).toBe(0);
    expect(ReportSchema.parse(JSON.parse(result.stdout)).root_cause?.type).toBe('timeout');
    const recorded = JSON.parse(readFileSync(recordPath, 'utf8'));
    const commands = recorded.calls.map((c: { command: string }) => c.command).sort();
    expect(commands).toEqual(expect.arrayContaining(['FilterLogEvents', 'GetFunctionConfiguration', 'GetMetricData']));
    for (const call of recorded.calls) {
      expect(Object.keys(call.input)).not.toEqual(expect.arrayContaining(['startTime']));
      expect(Object.keys(call.input)).not.toEqual(expect.arrayContaining(['StartTime']));
    }
    // GetMetricData per metric: one entry for each metric asked, none for the call as a whole.
    const metrics = recorded.calls.filter((c: { command: string }) => c.command === 'GetMetricData');
    expect(metrics.map((c: { input: Record<string, unknown> }) => [c.input.MetricName, c.input.Stat, c.input.Dimensions]).sort()).toEqual(
      [
        ['Duration', 'Maximum'],
        ['Errors', 'Sum'],
        ['Invocations', 'Sum'],
        ['Throttles', 'Sum'],
      ].map(([name, stat]) => [name, stat, [{ Name: 'FunctionName', Value: 'orders-api' }]]),
    );
    for (const metric of metrics) {
      expect(metric.input).not.toHaveProperty('MetricDataQueries');
      expect(Object.keys(metric.output).sort()).toEqual(['Timestamps', 'Values']);
    }
  });

  it('fails (exit 1) rather than guess when no AWS fact at all could be read', async () => {
    // An empty recording: every call fails as AWS would for a function that does not exist.
    const replay = file('replay-empty.json', JSON.stringify({ calls: [] }));
    const result = await runCli(['investigate', '--function-name', 'no-such-function', '--replay', replay, ...DIRECT, '--json']);
    expect(result.code).toBe(1);
    const report = ReportSchema.parse(JSON.parse(result.stdout));
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(
      /^no AWS facts could be read for lambda no-such-function: lambda GetFunctionConfiguration failed: ResourceNotFoundException/,
    );
  });

  it('replays the recording of a manual run later, though its time window follows the clock', async () => {
    const source = file('replay-manual.json', JSON.stringify({ calls: timeoutScenario.calls }));
    const recordPath = join(dir, 'manual-recorded.json');
    const name = timeoutScenario.calls.find((c: { command: string }) => c.command === 'GetFunctionConfiguration').input.FunctionName;
    const args = ['investigate', '--function-name', name, ...DIRECT, '--json'];
    const recorded = await runCli([...args, '--replay', source, '--record', recordPath]);
    const replayed = await runCli([...args, '--replay', recordPath]);
    expect(ReportSchema.parse(JSON.parse(recorded.stdout)).root_cause?.type).toBe('timeout');
    expect(ReportSchema.parse(JSON.parse(replayed.stdout)).root_cause).toEqual(ReportSchema.parse(JSON.parse(recorded.stdout)).root_cause);
  });

  it('investigates a function by name with a fresh ID, or the given one', async () => {
    const replay = file('replay-fn.json', JSON.stringify({ calls: timeoutScenario.calls }));
    const name = timeoutScenario.calls.find((c: { command: string }) => c.command === 'GetFunctionConfiguration').input.FunctionName;
    const args = ['investigate', '--function-name', name, '--region', 'eu-west-1', '--replay', replay, ...DIRECT, '--json'];
    const first = ReportSchema.parse(JSON.parse((await runCli(args)).stdout));
    const second = ReportSchema.parse(JSON.parse((await runCli(args)).stdout));
    expect(first.investigation_id).not.toBe(second.investigation_id);
    expect(first.resources).toEqual([expect.objectContaining({ type: 'lambda', name })]);
    const named = ReportSchema.parse(JSON.parse((await runCli([...args, '--investigation-id', 'inv-chosen'])).stdout));
    expect(named.investigation_id).toBe('inv-chosen');
  });
});

describe('investigate: bad input exits 2 and names the problem', () => {
  it.each([
    ['a non-JSON file', () => file('bad.json', '{nope'), [], /is not JSON/],
    ['an unknown event shape', () => file('shape.json', '{"foo":1}'), [], /not a CloudWatch alarm: found keys \[foo\]/],
    ['a scenario without an alarm', () => file('noalarm.json', '{"calls":[]}'), [], /"calls" but no "alarm"/],
    ['a recording with the wrong shape', () => 'examples/lambda-timeout.json', ['--replay', 'REPLAY'], /calls\[0\]\.command/],
    ['a missing file', () => join(dir, 'absent.json'), [], /cannot read alarm file .*ENOENT/],
  ])('%s', async (_what, alarmPath, extra, message) => {
    const replay = file('wrong-recording.json', '{"calls":[{"service":"lambda","command":7}]}');
    const extraArgs = (extra as string[]).map((a) => (a === 'REPLAY' ? replay : a));
    const result = await runCli(['investigate', '--alarm', alarmPath(), ...extraArgs, ...DIRECT]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    [['--orchestrator', 'fastest'], /--orchestrator "fastest" is not valid: allowed direct, agent_tools/],
    [['--llm', 'claude'], /--llm "claude" is not valid: allowed openai, none/],
    [['--unknown-flag'], /unknown option '--unknown-flag'/],
  ])('option %j', async (args, message) => {
    const result = await runCli(['investigate', '--alarm', 'examples/lambda-timeout.json', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it.each([
    [['--investigation-id', 'bad:id'], /--investigation-id "bad:id" is not valid: allowed 1 to 128 letters/],
    [['--investigation-id', '42'], /--investigation-id "42" is not valid: .*not only digits/],
  ])('refuses an investigation ID a queue could not take: %j', async (args, message) => {
    const result = await runCli(['investigate', '--function-name', 'f1', ...DIRECT, ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('refuses a LOG_LEVEL winston does not know, instead of logging nothing', async () => {
    const result = await runCli(['investigate', '--alarm', 'examples/lambda-timeout.json', ...DIRECT], { LOG_LEVEL: 'loud' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('LOG_LEVEL="loud" is not valid: allowed error, warn, info, http, verbose, debug, silly');
  });

  it('names an invalid rollout variable, its value and what is allowed', async () => {
    const result = await runCli(['investigate', '--alarm', 'examples/lambda-timeout.json', '--llm', 'none'], {
      PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '150',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE="150" is not valid: allowed a whole number from 0 to 100');
  });

  it('refuses agent_tools without a model, naming the way out', async () => {
    const result = await runCli([
      'investigate',
      '--alarm',
      'examples/lambda-timeout.json',
      '--llm',
      'none',
      '--orchestrator',
      'agent_tools',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/agent_tools cannot route without a model/);
    expect(result.stderr).toContain('investigate: --orchestrator direct');
  });
});
