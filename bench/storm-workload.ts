import { readFileSync } from 'node:fs';
import type { Recording } from '../src/orchestrators/aws/recording.js';
import type { NormalizedAlarm } from '../src/producer/alarm.js';
import { alarmFileFrom } from '../src/producer/alarm-input.js';
import { investigationIdFor } from '../src/producer/investigation-id.js';
import { bundledScenarios, type Scenario, scenarioFrom } from './scenarios.js';

export interface StormAlarm {
  investigationId: string;
  alarm: NormalizedAlarm;
  functionName: string;
  expectedRootCause: string;
}

export interface StormWorkload {
  /** Every function's calls, one recording for the stand-in. */
  recording: Recording;
  alarms: StormAlarm[];
  functions: number;
}

/** What the AWS stand-in answers (aws-stand-in.ts): an unqualified function's calls, its logs and metrics. */
const STAND_IN_CALLS = new Set(['GetFunctionConfiguration', 'GetFunctionConcurrency', 'FilterLogEvents', 'GetMetricData']);

/** Scenarios of one Lambda function failing one clear way: only calls the stand-in answers, a known cause. */
function singleFunctionScenarios(): Scenario[] {
  return bundledScenarios().filter(
    (scenario) =>
      scenario.expectedRootCause !== null &&
      scenario.expectedRootCause !== 'unknown' &&
      scenario.recording.calls.every((call) => STAND_IN_CALLS.has(call.command) && call.input.Qualifier === undefined),
  );
}

function functionNameOf(scenario: Scenario): string {
  const call = scenario.recording.calls.find((c) => c.command === 'GetFunctionConfiguration');
  return String(call?.input.FunctionName);
}

/**
 * `functions` Lambda functions, each a bundled scenario under a name of its own (its file with the
 * function's name replaced everywhere), and `alarmsPerFunction` alarms of each spread
 * `spacingSeconds` apart, as a storm: the same function alarming again and again.
 */
export function stormWorkload(functions: number, alarmsPerFunction: number, spacingSeconds: number): StormWorkload {
  const scenarios = singleFunctionScenarios();
  const calls: Recording['calls'] = [];
  const alarms: StormAlarm[] = [];
  for (let f = 0; f < functions; f++) {
    const base = scenarios[f % scenarios.length]!;
    const original = functionNameOf(base);
    const functionName = `${original}-f${f}`;
    const text = readFileSync(base.file, 'utf8').split(original).join(functionName);
    const renamed = scenarioFrom(alarmFileFrom(JSON.parse(text), base.file), base.file);
    calls.push(...renamed.recording.calls);
    const start = Date.parse(renamed.alarm.time);
    for (let a = 0; a < alarmsPerFunction; a++) {
      const alarm = { ...renamed.alarm, time: new Date(start + a * spacingSeconds * 1000).toISOString() };
      alarms.push({ investigationId: investigationIdFor(alarm), alarm, functionName, expectedRootCause: base.expectedRootCause! });
    }
  }
  return { recording: { calls }, alarms, functions };
}
