import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseRecording, type Recording } from '../src/orchestrators/aws/recording.js';
import type { NormalizedAlarm } from '../src/producer/alarm.js';
import { type AlarmFile, readAlarmFile } from '../src/producer/alarm-input.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';

// The SDK's nine-line Node 20 support notice would sit in the middle of the figures (cli.ts does the same).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface Scenario {
  file: string;
  alarm: NormalizedAlarm;
  investigationId: string;
  recording: Recording;
  expectedRootCause: string | null;
}

/** examples/, wherever this file is run from (bench/ in the sources, dist/bench/ once built). */
export const EXAMPLES_DIR = fileURLToPath(
  new URL(import.meta.url.includes('/dist/') ? '../../examples/' : '../examples/', import.meta.url),
);

export function loadScenario(path: string): Scenario {
  return scenarioFrom(readAlarmFile(path), path);
}

/** A scenario from an alarm file already read (`path` names it in errors and in `file`). */
export function scenarioFrom(file: AlarmFile, path: string): Scenario {
  const parsed = parseAlarmMessage(file.message);
  if (parsed.action !== 'investigate') throw new Error(`${path}: the alarm is not investigated: ${parsed.reason}`);
  const { expected_root_cause: expected } = (file.scenario ?? {}) as { expected_root_cause?: string };
  return {
    file: path,
    alarm: parsed.alarm,
    investigationId: parsed.investigationId,
    recording: parseRecording(file.scenario ?? { calls: [] }, path),
    expectedRootCause: expected ?? null,
  };
}

export function bundledScenarios(): Scenario[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => loadScenario(join(EXAMPLES_DIR, name)));
}
