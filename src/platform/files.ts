import { readFileSync } from 'node:fs';
import { errorMessage } from './errors.js';

/** The path that means standard input, as `--alarm -`. */
export const STDIN_PATH = '-';

/** How a path is named in messages: `standard input` for `-`. */
export function describePath(path: string): string {
  return path === STDIN_PATH ? 'standard input' : path;
}

/**
 * The whole text of a file, or of standard input for `-`. When it cannot be read, throws the
 * caller's own error, made by `failure` from the reason (`ENOENT`, `EACCES` …), so that each part
 * names what the file was for.
 */
export function readText(path: string, failure: (reason: string) => Error): string {
  try {
    return readFileSync(path === STDIN_PATH ? 0 : path, 'utf8');
  } catch (error) {
    throw failure((error as NodeJS.ErrnoException).code ?? errorMessage(error));
  }
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: Error };

/** JSON.parse that answers instead of throwing, for readers that try one layout after another. */
export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}
