/**
 * The most of an alarm's free text (its state reason) kept at parse: CloudWatch's own reasons are
 * a few hundred characters, and whatever is longer only floods the prompt and the report. The
 * alarm's description is not read at all.
 */
export const MAX_ALARM_TEXT_CHARS = 4_096;
/**
 * The most of any name an alarm carries (alarm, child alarm, ARN, namespace, metric, dimension name
 * and value — the resource names investigated), kept at parse: CloudWatch allows 1,024 characters
 * for a dimension value and fewer for the others.
 */
export const MAX_ALARM_NAME_CHARS = 1_024;
/** Dimensions kept per metric: CloudWatch allows 30. */
export const MAX_ALARM_DIMENSIONS = 30;
/** Metrics kept of a metric-math alarm's definition, and child alarms of a composite alarm followed. */
export const MAX_ALARM_METRICS = 100;
/** The most of a composite alarm's rule scanned for child alarms: CloudWatch allows 10,240 characters. */
export const MAX_ALARM_RULE_CHARS = 10_240;

/** The text cut to `max` characters, with a marker that says how much was left out. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}…[truncated: ${text.length - max} more characters]`;
}

/** The text, cut to MAX_ALARM_TEXT_CHARS with a marker that says how much was left out. */
export function boundAlarmText(text: string): string {
  return cutText(text, MAX_ALARM_TEXT_CHARS);
}

/** A name or identifier, cut to MAX_ALARM_NAME_CHARS with a marker. */
export function boundAlarmName(name: string): string {
  return cutText(name, MAX_ALARM_NAME_CHARS);
}

/** At most MAX_ALARM_DIMENSIONS dimensions, names and values each bounded. */
export function boundDimensions(dimensions: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(dimensions)
      .slice(0, MAX_ALARM_DIMENSIONS)
      .map(([name, value]) => [boundAlarmName(name), boundAlarmName(value)]),
  );
}

/** The alarm bounds in words, for the `--help` of every command that parses alarms. */
export function describeAlarmLimits(): string {
  return (
    `an alarm's state reason is cut to ${MAX_ALARM_TEXT_CHARS} characters, its names and dimension values to ${MAX_ALARM_NAME_CHARS}\n` +
    `(${MAX_ALARM_DIMENSIONS} dimensions per metric, ${MAX_ALARM_METRICS} metrics and child alarms); its description is not read`
  );
}
