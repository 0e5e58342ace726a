import { errorMessage } from '../platform/errors.js';
import { describePath, parseJson } from '../platform/files.js';
import { alarmFileFrom, readAlarmText } from './alarm-input.js';
import { AlarmFileError } from './errors.js';

/** One alarm message out of an `enqueue --alarm` file, with where it was found for messages. */
export interface AlarmItem {
  where: string;
  message: unknown;
}

/** The largest `enqueue --alarm` file, read no further than this. */
export const MAX_ENQUEUE_FILE_BYTES = 64 * 1024 * 1024;
/** The most alarms (non-empty lines) one `enqueue --alarm` file may hold. */
export const MAX_ENQUEUE_ALARMS = 100_000;

/** The file's lines, one at a time, with their numbers (from 1). */
function* linesOf(text: string): Generator<[number, string]> {
  let number = 1;
  for (let start = 0; start <= text.length; number += 1) {
    const end = text.indexOf('\n', start);
    yield [number, text.slice(start, end === -1 ? undefined : end)];
    if (end === -1) return;
    start = end + 1;
  }
}

/**
 * By contract, `enqueue --alarm FILE` takes one alarm (any JSON layout, or a scenario) or many as
 * JSON lines. A file that is one JSON document is one alarm; otherwise every non-empty line must
 * be one. A bad line names its number; no item is returned unless every line parses.
 */
export function readAlarmBatch(path: string): AlarmItem[] {
  const text = readAlarmText(path, MAX_ENQUEUE_FILE_BYTES);
  const document = parseJson(text);
  if (document.ok) return [{ where: describePath(path), message: alarmFileFrom(document.value, path).message }];
  const items: AlarmItem[] = [];
  const problems: string[] = [];
  for (const [number, line] of linesOf(text)) {
    if (line.trim() === '') continue;
    if (items.length + problems.length >= MAX_ENQUEUE_ALARMS) {
      throw new AlarmFileError(`${describePath(path)} holds more than the ${MAX_ENQUEUE_ALARMS} alarms one file may hold: split it`);
    }
    const where = `${describePath(path)} line ${number}`;
    try {
      items.push({ where, message: scenarioAlarmOrSelf(JSON.parse(line)) });
    } catch (parseError) {
      problems.push(`${where} is not JSON (${errorMessage(parseError)})`);
    }
  }
  if (problems.length > 0) {
    throw new AlarmFileError(
      `${describePath(path)} is neither one JSON document nor JSON lines: ${problems.slice(0, 5).join('; ')}` +
        (problems.length > 5 ? `; and ${problems.length - 5} more` : ''),
    );
  }
  return items;
}

/** A line may be a scenario `{ alarm, calls }` as well as the alarm message itself. */
function scenarioAlarmOrSelf(json: unknown): unknown {
  if (json !== null && typeof json === 'object' && 'alarm' in json && 'calls' in json) return json.alarm;
  return json;
}
