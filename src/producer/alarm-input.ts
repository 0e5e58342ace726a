import { readFileSync } from 'node:fs';
import { InputError } from '../platform/errors.js';

/** What an alarm file holds: the message as it arrives, and the calls when it is a scenario. */
export interface AlarmFile {
  message: unknown;
  /** The whole file when it is a scenario (`{ alarm, calls }`), to be parsed as a recording. */
  scenario: unknown | null;
}

export class AlarmFileError extends InputError {}

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AlarmFileError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AlarmFileError(`${what} ${path} is not JSON: ${(error as Error).message}`);
  }
}

/**
 * DESIGN.md: a scenario is `{ alarm, calls }`; anything else is the alarm message itself. A file
 * with calls but no alarm is a mistake worth naming, not an unknown alarm shape.
 */
export function readAlarmFile(path: string): AlarmFile {
  const json = readJsonFile(path, 'alarm file');
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    if ('calls' in record && !('alarm' in record)) {
      throw new AlarmFileError(`${path} has "calls" but no "alarm": a scenario needs both ({ "alarm": ..., "calls": [...] })`);
    }
    if ('alarm' in record) return { message: record.alarm, scenario: record.calls === undefined ? null : json };
  }
  return { message: json, scenario: null };
}
