import { EmptyJsonError, errorMessage } from '../platform/errors.js';
import { describePath, parseJson, readText, STDIN_PATH } from '../platform/files.js';
import { readStreamedJson, type StreamedJsonOptions } from '../platform/streamed-json.js';
import { AlarmFileError } from './errors.js';

/** What an alarm file holds: the message as it arrives, and the calls when it is a scenario. */
export interface AlarmFile {
  message: unknown;
  /** The whole file when it is a scenario (`{ alarm, calls }`), to be parsed as a recording. */
  scenario: unknown | null;
}

function emptyFileMessage(path: string): string {
  return `alarm file ${describePath(path)} is empty: expected an alarm message, a scenario or JSON lines of alarms`;
}

/**
 * The text of an alarm file (`-`: standard input); an empty one is a mistake, not zero alarms.
 * @defaultValue maxBytes: no bound
 */
export function readAlarmText(path: string, maxBytes?: number): string {
  const text = readText(path, (reason) => new AlarmFileError(`cannot read alarm file ${describePath(path)}: ${reason}`), maxBytes);
  if (text.trim() === '') throw new AlarmFileError(emptyFileMessage(path));
  return text;
}

function notJson(path: string, error: Error): AlarmFileError {
  return new AlarmFileError(`alarm file ${describePath(path)} is not JSON: ${error.message}`);
}

function readJsonFile(path: string): unknown {
  const parsed = parseJson(readAlarmText(path));
  if (!parsed.ok) throw notJson(path, parsed.error);
  return parsed.value;
}

/** A file (not standard input) read streamed, keeping what `options` allow. */
function readStreamedJsonFile(path: string, options: StreamedJsonOptions): unknown {
  try {
    return readStreamedJson(path, options);
  } catch (error) {
    if (error instanceof EmptyJsonError) throw new AlarmFileError(emptyFileMessage(path));
    if (error instanceof SyntaxError) throw notJson(path, error);
    throw new AlarmFileError(
      `cannot read alarm file ${describePath(path)}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
    );
  }
}

/**
 * By contract, a scenario is `{ alarm, calls }`; anything else is the alarm message itself. A file
 * with calls but no alarm is a mistake worth naming, not an unknown alarm shape. With `options`, a
 * file is read streamed, keeping only what they allow (a scenario's calls can be a large recording);
 * standard input is always read whole.
 * @defaultValue options: read whole
 */
export function readAlarmFile(path: string, options?: StreamedJsonOptions): AlarmFile {
  const json = options && path !== STDIN_PATH ? readStreamedJsonFile(path, options) : readJsonFile(path);
  return alarmFileFrom(json, path);
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
