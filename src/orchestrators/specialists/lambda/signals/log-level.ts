/**
 * The level a text-format line states in its header (`\tWARN\t` of Node, `[WARNING]` of Python,
 * `WARN ` of log4j, `level=WARN` of slog), or null. Only the first tokens are read, so a message
 * that merely mentions WARN is not taken for one.
 */
const HEADER_LEVEL = /^(?:[^\s[\]]+[ \t]+){0,3}(?:\[(?:WARN|WARNING|Warning)\]|WARN|WARNING|warn|level=(?:WARN|warn))(?=[ \t:]|$)/;

export function isWarnHeader(text: string): boolean {
  return HEADER_LEVEL.test(text);
}
