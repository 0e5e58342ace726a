import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAlarmBatch } from '../src/producer/alarm-batch.js';
import { AlarmFileError } from '../src/producer/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'promptrca-alarm-batch-'));
const scenario = JSON.parse(readFileSync('examples/lambda-timeout.json', 'utf8')) as { alarm: unknown };

function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('readAlarmBatch', () => {
  it('reads a pretty-printed scenario file as one alarm: its message, not its calls', () => {
    const path = file('scenario.json', JSON.stringify(scenario, null, 2));
    expect(readAlarmBatch(path)).toEqual([{ where: path, message: scenario.alarm }]);
  });

  it('reads JSON lines as one alarm each, numbering lines and skipping blank ones', () => {
    const path = file('alarms.jsonl', `${JSON.stringify(scenario.alarm)}\n\n${JSON.stringify(scenario)}\n`);
    expect(readAlarmBatch(path)).toEqual([
      { where: `${path} line 1`, message: scenario.alarm },
      { where: `${path} line 3`, message: scenario.alarm },
    ]);
  });

  it('names every line that is not JSON and returns nothing', () => {
    const path = file('broken.jsonl', `${JSON.stringify(scenario.alarm)}\nnot json\n{"cut": \n`);
    expect(() => readAlarmBatch(path)).toThrow(AlarmFileError);
    expect(() => readAlarmBatch(path)).toThrow(new RegExp(`${path} line 2 is not JSON .*; ${path} line 3 is not JSON`));
  });

  it('says which file cannot be read', () => {
    expect(() => readAlarmBatch(join(dir, 'missing.jsonl'))).toThrow(/cannot read alarm file .*missing\.jsonl: ENOENT/);
  });
});
