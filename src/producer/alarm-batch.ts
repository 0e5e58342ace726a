import { readFileSync } from 'node:fs';
import { errorMessage } from '../platform/errors.js';
import { AlarmFileError, readAlarmFile } from './alarm-input.js';

/** One alarm message out of an `enqueue --alarm` file, with where it was found for messages. */
export interface AlarmItem {
  where: string;
  message: unknown;
}

/**
 * DESIGN.md: `enqueue --alarm FILE` takes one alarm (any JSON layout, or a scenario) or many as
 * JSON lines. A file that is one JSON document is one alarm; otherwise every non-empty line must
 * be one. A bad line names its number; no item is returned unless every line parses.
 */
export function readAlarmBatch(path: string): AlarmItem[] {
  const text = readText(path);
  if (isOneJsonDocument(text)) return [{ where: path, message: readAlarmFile(path).message }];
  const items: AlarmItem[] = [];
  const problems: string[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const where = `${path} line ${index + 1}`;
    try {
      items.push({ where, message: scenarioAlarmOrSelf(JSON.parse(line)) });
    } catch (parseError) {
      problems.push(`${where} is not JSON (${errorMessage(parseError)})`);
    }
  }
  if (problems.length > 0) {
    throw new AlarmFileError(
      `${path} is neither one JSON document nor JSON lines: ${problems.slice(0, 5).join('; ')}` +
        (problems.length > 5 ? `; and ${problems.length - 5} more` : ''),
    );
  }
  return items;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AlarmFileError(`cannot read alarm file ${path}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
}

function isOneJsonDocument(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A line may be a scenario `{ alarm, calls }` as well as the alarm message itself. */
function scenarioAlarmOrSelf(json: unknown): unknown {
  if (json !== null && typeof json === 'object' && 'alarm' in json && 'calls' in json) return json.alarm;
  return json;
}
