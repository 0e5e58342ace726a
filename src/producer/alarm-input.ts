import { describePath, parseJson, readText } from '../platform/files.js';
import { AlarmFileError } from './errors.js';

/** What an alarm file holds: the message as it arrives, and the calls when it is a scenario. */
export interface AlarmFile {
  message: unknown;
  /** The whole file when it is a scenario (`{ alarm, calls }`), to be parsed as a recording. */
  scenario: unknown | null;
}

/**
 * The text of an alarm file (`-`: standard input); an empty one is a mistake, not zero alarms.
 * @defaultValue maxBytes: no bound
 */
export function readAlarmText(path: string, maxBytes?: number): string {
  const text = readText(path, (reason) => new AlarmFileError(`cannot read alarm file ${describePath(path)}: ${reason}`), maxBytes);
  if (text.trim() === '')
    throw new AlarmFileError(`alarm file ${describePath(path)} is empty: expected an alarm message, a scenario or JSON lines of alarms`);
  return text;
}

function readJsonFile(path: string): unknown {
  const parsed = parseJson(readAlarmText(path));
  if (!parsed.ok) throw new AlarmFileError(`alarm file ${describePath(path)} is not JSON: ${parsed.error.message}`);
  return parsed.value;
}

/**
 * By contract, a scenario is `{ alarm, calls }`; anything else is the alarm message itself. A file
 * with calls but no alarm is a mistake worth naming, not an unknown alarm shape.
 */
export function readAlarmFile(path: string): AlarmFile {
  return alarmFileFrom(readJsonFile(path), path);
}

/** An alarm file's JSON, already parsed: the message, and the calls when it is a scenario. */
export function alarmFileFrom(json: unknown, path: string): AlarmFile {
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    if ('calls' in record && !('alarm' in record)) {
      throw new AlarmFileError(
        `${describePath(path)} has "calls" but no "alarm": a scenario needs both ({ "alarm": ..., "calls": [...] })`,
      );
    }
    if ('alarm' in record) return { message: record.alarm, scenario: record.calls === undefined ? null : json };
  }
  return { message: json, scenario: null };
}
