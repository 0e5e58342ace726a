import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './run-cli.js';

interface Scenario {
  alarm: unknown;
  calls: Array<{ command: string; output?: { events?: Array<Record<string, unknown>> } }>;
}

const LOG_STREAM = '2024/03/12/[$LATEST]8f2d6c1e0b5a4f3e9d7c6b5a4f3e2d1c';
const EVENTS_PER_WRITE = 10_000;

function fillerEvent(index: number, timestamp: number): string {
  const message = `2024-03-12T10:19:00.000Z\\tfeedface-${index}\\tINFO\\tFetching inventory for order ${index}\\n`;
  return `{"logStreamName":"${LOG_STREAM}","timestamp":${timestamp},"message":"${message}","ingestionTime":${timestamp + 400},"eventId":"${timestamp}${index}"}`;
}

/**
 * Writes, chunk by chunk, the lambda-timeout scenario's calls with its FilterLogEvents page grown to
 * `lines` events, one a line (about 260 bytes each): the example's own events (the planted timeouts)
 * first, as the log reader pages them, then neutral INFO lines. Returns the path of that scenario
 * (`{ alarm, calls }`, a recording as well), and of its alarm alone, written beside it.
 */
export function writeMillionLineRecording(dir: string, lines = 1_000_000): { recording: string; alarm: string } {
  const scenario = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/lambda-timeout.json'), 'utf8')) as Scenario;
  const alarm = join(dir, 'alarm.json');
  const recording = join(dir, 'million-lines-scenario.json');
  const fd = openSync(alarm, 'w');
  writeSync(fd, JSON.stringify(scenario.alarm));
  closeSync(fd);
  const out = openSync(recording, 'w');
  try {
    const others = scenario.calls.filter((call) => call.command !== 'FilterLogEvents');
    const logs = scenario.calls.find((call) => call.command === 'FilterLogEvents');
    const planted = logs?.output?.events ?? [];
    writeSync(out, `{"alarm":${JSON.stringify(scenario.alarm)},\n"calls":[\n${others.map((call) => JSON.stringify(call)).join(',\n')},\n`);
    writeSync(
      out,
      `{"service":"cloudwatch-logs","command":"FilterLogEvents","input":{"logGroupName":"/aws/lambda/orders-api"},"output":{"events":[\n`,
    );
    writeSync(out, planted.map((event) => JSON.stringify(event)).join(',\n'));
    const last = Number(planted.at(-1)?.timestamp ?? 0);
    for (let start = planted.length; start < lines; start += EVENTS_PER_WRITE) {
      const chunk: string[] = [];
      for (let index = start; index < Math.min(lines, start + EVENTS_PER_WRITE); index += 1) chunk.push(fillerEvent(index, last + index));
      writeSync(out, `,\n${chunk.join(',\n')}`);
    }
    writeSync(out, '\n]}}\n]}\n');
  } finally {
    closeSync(out);
  }
  return { recording, alarm };
}
