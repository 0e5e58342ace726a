/** What a redacted value reads as in a recording. */
export const REDACTED = '[REDACTED]';

/**
 * Text that looks like a credential wherever it appears (log lines, descriptions, tags): AWS access
 * key IDs, 40-character secrets in base64, `sk-`/`sk_live_` API keys, bearer tokens and
 * `password=…`-style assignments (the name is kept). A 40-character secret needs upper and lower
 * case and a digit, so that a hex digest or a word stays readable.
 */
const KEY_LIKE: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, REDACTED],
  [
    /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    REDACTED,
  ],
  [/\bsk[-_](?:live_|test_|proj-)?[A-Za-z0-9_-]{16,}/g, REDACTED],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)["']?\s*[=:]\s*["']?)[^\s"'&;,]+/gi, `$1${REDACTED}`],
  // The password of any URL: scheme://user:password@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
];

export function redactText(text: string): string {
  return KEY_LIKE.reduce((redacted, [pattern, replacement]) => redacted.replace(pattern, replacement), text);
}

/**
 * A recorded answer with its secrets out: every environment variable's value (Lambda's
 * `Environment.Variables`; the names stay, so rules about missing settings replay as they ran, and
 * an empty value stays empty) and key-like text anywhere.
 */
export function redactSecrets(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, key));
  if (value === null || typeof value !== 'object') return value;
  if (key === 'Variables') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, item === '' ? '' : REDACTED]));
  }
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, redactSecrets(item, name)]));
}
