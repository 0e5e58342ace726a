import { errorMessage } from '../platform/errors.js';
import { describePath, parseJson } from '../platform/files.js';
import { alarmFileFrom, readAlarmText } from './alarm-input.js';
import { AlarmFileError } from './errors.js';

/** One alarm message out of an `enqueue --alarm` file, with where it was found for messages. */
export interface AlarmItem {
  where: string;
  message: unknown;
}

/**
 * By contract, `enqueue --alarm FILE` takes one alarm (any JSON layout, or a scenario) or many as
 * JSON lines. A file that is one JSON document is one alarm; otherwise every non-empty line must
 * be one. A bad line names its number; no item is returned unless every line parses.
 */
export function readAlarmBatch(path: string): AlarmItem[] {
  const text = readAlarmText(path);
  const document = parseJson(text);
  if (document.ok) return [{ where: describePath(path), message: alarmFileFrom(document.value, path).message }];
  const items: AlarmItem[] = [];
  const problems: string[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const where = `${describePath(path)} line ${index + 1}`;
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
