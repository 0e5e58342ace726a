/**
 * JSON for a prompt, with `<` and `>` written as `\u003c` and `\u003e`: still the same JSON to a
 * parser, but a log line or alarm text holding `</facts>` or any other tag cannot close or open
 * the data block it sits in.
 */
export function promptJson(data: unknown): string {
  return JSON.stringify(data).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e');
}

/** Untrusted data (alarm text, resource names, log lines) as the one `<facts>` block of a user message. */
export function factsBlock(data: unknown): string {
  return `<facts>\n${promptJson(data)}\n</facts>`;
}
