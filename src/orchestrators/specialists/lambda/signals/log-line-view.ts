/**
 * One log event reduced to what the signal patterns read, whichever format wrote it: Lambda's
 * text format, its JSON format (`platform.*` records and application records), Powertools JSON,
 * or a text line carrying a runtime's JSON error (`Invoke Error \t{"errorType":…}`).
 */
export interface LogLineView {
  /** Plain text for the patterns: JSON strings unescaped, error type, message and stack joined. */
  text: string;
  /** Upper-case level when a JSON record states one. */
  level: string | null;
  /** The error a runtime or logger recorded in structured form. */
  error: { type: string; message: string } | null;
  /** A Lambda JSON-format platform record (`platform.report`, `platform.initReport`, …). */
  platform: { type: string; record: Record<string, unknown> } | null;
}

type JsonObject = Record<string, unknown>;

const EMBEDDED_ERROR = '{"error';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function parseObject(text: string): JsonObject | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function stackText(value: unknown): string | null {
  if (Array.isArray(value)) return value.filter((item) => typeof item === 'string').join('\n');
  return stringOf(value);
}

/** The error fields of the runtimes' own JSON and of Powertools (Python `exception*`, Node `error{}`). */
function structuredError(record: JsonObject): { type: string; message: string; stack: string | null } | null {
  const nested = isObject(record.error) ? record.error : null;
  const type = stringOf(record.errorType) ?? stringOf(record.exception_name) ?? stringOf(nested?.name);
  const message = stringOf(record.errorMessage) ?? stringOf(nested?.message) ?? '';
  const stack = stackText(record.stackTrace) ?? stackText(record.stack) ?? stringOf(record.exception) ?? stackText(nested?.stack);
  if (type) return { type, message, stack };
  if (message || stringOf(record.exception)) return { type: 'Error', message, stack };
  return null;
}

function applicationView(record: JsonObject, prefix: string): LogLineView {
  // Some runtimes nest the error record under `message` instead of beside it.
  const body = isObject(record.message) ? { ...record, ...record.message } : record;
  const error = structuredError(body);
  const level = stringOf(body.level) ?? stringOf(body.levelname) ?? stringOf(body.log_level);
  const parts = [prefix, stringOf(body.message) ?? ''];
  if (error) parts.push(`${error.type}: ${error.message}`, error.stack ?? '');
  return {
    text: parts.filter((part) => part !== '').join('\n'),
    level: level ? level.toUpperCase() : null,
    error: error ? { type: error.type, message: error.message } : null,
    platform: null,
  };
}

function textView(message: string): LogLineView {
  return { text: message, level: null, error: null, platform: null };
}

export function readLogLine(message: string): LogLineView {
  const trimmed = message.trim();
  if (trimmed.startsWith('{')) {
    const record = parseObject(trimmed);
    if (!record) return textView(trimmed);
    const type = stringOf(record.type);
    if (type?.startsWith('platform.') && isObject(record.record)) {
      return { text: trimmed, level: null, error: null, platform: { type, record: record.record } };
    }
    return applicationView(record, '');
  }
  const at = trimmed.indexOf(EMBEDDED_ERROR);
  if (at > 0) {
    const record = parseObject(trimmed.slice(at));
    if (record) return applicationView(record, trimmed.slice(0, at).trim());
  }
  return textView(trimmed);
}
