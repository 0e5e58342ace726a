/**
 * The most of an alarm's free text (its state reason) kept at parse: CloudWatch's own reasons are
 * a few hundred characters, and whatever is longer only floods the prompt and the report.
 */
export const MAX_ALARM_TEXT_CHARS = 4_096;

/** The text, cut to MAX_ALARM_TEXT_CHARS with a marker that says how much was left out. */
export function boundAlarmText(text: string): string {
  if (text.length <= MAX_ALARM_TEXT_CHARS) return text;
  return `${text.slice(0, MAX_ALARM_TEXT_CHARS)}…[truncated: ${text.length - MAX_ALARM_TEXT_CHARS} more characters]`;
}
