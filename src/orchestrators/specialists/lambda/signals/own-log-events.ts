/**
 * In a log group several functions share, Lambda names each stream after its function:
 * `YYYY/MM/DD/<function_name>[<version>]<environment id>`. The default group's streams
 * (`YYYY/MM/DD/[<version>]<id>`) name none, since the group is the function's own.
 */
const STREAM_FUNCTION = /^\d{4}\/\d\d\/\d\d\/([^[\]/]+)\[/;
/** Powertools and similar structured loggers state the function in each record. */
const RECORD_FUNCTION = /"(?:function_name|functionName)"\s*:\s*"([^"]+)"/;

/** The function a log event says it is from, by its stream or its record; null when neither says. */
export function functionOfLogEvent(logStream: string | undefined, message: string): string | null {
  const byStream = logStream ? STREAM_FUNCTION.exec(logStream)?.[1] : undefined;
  if (byStream) return byStream;
  return message.trimStart().startsWith('{') ? (RECORD_FUNCTION.exec(message)?.[1] ?? null) : null;
}

/** False only for an event that names another function: what names none may still be this one's. */
export function isOwnLogEvent(functionName: string, logStream: string | undefined, message: string): boolean {
  const owner = functionOfLogEvent(logStream, message);
  return owner === null || owner === functionName;
}
