import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { EmptyJsonError, errorMessage } from '../../platform/errors.js';
import { type JsonPath, readStreamedJson, type StreamedJsonOptions } from '../../platform/streamed-json.js';
import { RecordingError } from '../errors.js';
import { DEFAULT_MAX_EVENTS } from '../facts/log-limits.js';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** zod's `error` option: says what the field needs and what it got instead. */
function expecting(what: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? `missing: expected ${what}` : `expected ${what}, got ${describe(issue.input)}`,
  };
}

const JsonObjectSchema = z.record(z.string(), z.unknown(), expecting('an object'));

export const RecordedCallSchema = z
  .object(
    {
      service: z.string(expecting('a service name such as "lambda"')).min(1, 'must not be empty'),
      command: z.string(expecting('a command name such as "GetFunctionConfiguration"')).min(1, 'must not be empty'),
      // An entry without input answers every call of its command.
      input: JsonObjectSchema.default({}),
      output: JsonObjectSchema.nullable().default(null),
      error: z
        .object(
          {
            name: z.string(expecting('an AWS error name such as "ThrottlingException"')).min(1, 'must not be empty'),
            message: z.string(expecting('a string')).default(''),
          },
          expecting('an object { name, message }'),
        )
        .optional(),
    },
    expecting('an object { service, command, input, output | error }'),
  )
  .refine((call) => (call.output === null) !== (call.error === undefined), {
    message: 'needs exactly one of output (an object) and error ({ name, message })',
  });
export type RecordedCall = z.infer<typeof RecordedCallSchema>;

/** A recording or a scenario file: both carry `calls`; a scenario's `alarm` is read elsewhere. */
export const RecordingSchema = z.object(
  { calls: z.array(RecordedCallSchema, expecting('an array of recorded calls')) },
  expecting('an object with "calls"'),
);
export type Recording = z.infer<typeof RecordingSchema>;

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index ? '.' : ''}${String(key)}`)).join('');
}

/** Freezes the value and all it holds, so that it can be handed out without a copy. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

/**
 * A recording, checked. Its answers are frozen: replay hands them out as they are, since a copy of
 * a recorded page of a million log lines per call is what would exhaust a worker's memory.
 */
export function parseRecording(json: unknown, origin: string): Recording {
  const parsed = RecordingSchema.safeParse(json);
  if (parsed.success) return deepFreeze(parsed.data);
  const problems = parsed.error.issues.map((issue) => (issue.path.length ? `${issuePath(issue.path)}: ${issue.message}` : issue.message));
  throw new RecordingError(origin, problems.join('; '));
}

/**
 * The log events of one recorded answer kept when a recording is read: one beyond what a log read
 * keeps, so that the read still sees there was more and says its scan was capped, as it would have
 * against the live log. Later events of the page are never used: the read takes the first ones.
 */
export const MAX_RECORDED_LOG_EVENTS = DEFAULT_MAX_EVENTS + 1;
/** The most of any one recorded string kept, in bytes: far above any answer field (log messages are cut at 8 KiB). */
export const MAX_RECORDED_STRING_BYTES = 1024 * 1024;

/** `calls[i].output.events`: the log events of a recorded answer. */
function maxRecordedItems(path: JsonPath): number | undefined {
  const [calls, , output, events] = path;
  const isLogEvents = path.length === 4 && calls === 'calls' && output === 'output' && events === 'events';
  return isLogEvents ? MAX_RECORDED_LOG_EVENTS : undefined;
}

/**
 * How a recording or scenario file is read: streamed, so that a recording of a million log lines
 * costs the capped slice of it that replay can use.
 */
export const RECORDING_READ: StreamedJsonOptions = { maxItems: maxRecordedItems, maxStringBytes: MAX_RECORDED_STRING_BYTES };

function loadRecordingFile(path: string): Recording {
  let json: unknown;
  try {
    json = readStreamedJson(path, RECORDING_READ);
  } catch (error) {
    if (error instanceof SyntaxError || error instanceof EmptyJsonError)
      throw new RecordingError(path, `is not JSON: ${error.message}`, { cause: error });
    throw new RecordingError(path, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  return parseRecording(json, path);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A recording or scenario file, or a folder of them: every `.json` file in it (by name, not its
 * subfolders) merged into one recording, each file's calls after the previous file's. Calls of
 * different scenarios do not collide as long as each names its own resources (per-metric entries
 * for GetMetricData, not whole-call ones with an empty input), so one worker can replay them all.
 */
export async function loadRecording(path: string): Promise<Recording> {
  if (!isFolder(path)) return loadRecordingFile(path);
  const files = readdirSync(path)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
  if (files.length === 0) throw new RecordingError(path, 'is a folder with no .json recordings or scenarios in it');
  return { calls: files.flatMap((file) => loadRecordingFile(file).calls) };
}

/** The input as it appears in a recording file: Dates become ISO strings, undefined keys vanish. */
export function toJsonForm(input: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(input)) as Record<string, unknown>;
}

/**
 * The documented matching rule: the first call of the same service and command whose recorded input
 * keys all deep-equal the call's; keys the recording leaves out (time windows, tokens) match anything.
 */
export function findRecordedCall(recording: Recording, service: string, command: string, input: object): RecordedCall | undefined {
  const actual = toJsonForm(input);
  return recording.calls.find(
    (call) =>
      call.service === service &&
      call.command === command &&
      Object.entries(call.input).every(([key, value]) => isDeepStrictEqual(actual[key], value)),
  );
}
