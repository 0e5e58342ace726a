import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { errorMessage } from './errors.js';

/** The path that means standard input, as `--alarm -`. */
export const STDIN_PATH = '-';

/** How a path is named in messages: `standard input` for `-`. */
export function describePath(path: string): string {
  return path === STDIN_PATH ? 'standard input' : path;
}

const CHUNK_BYTES = 1024 * 1024;

/** Reads at most `maxBytes` + 1 bytes, chunk by chunk: a file or a pipe past the bound is never read whole. */
function readBounded(fd: number, maxBytes: number): Buffer | null {
  const stat = fstatSync(fd);
  if (stat.isFile() && stat.size > maxBytes) return null;
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let read: number;
    try {
      read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
    } catch (error) {
      // A non-blocking standard input with nothing yet: wait for it as readFileSync does.
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw error;
    }
    if (read === 0) return Buffer.concat(chunks, total);
    total += read;
    if (total > maxBytes) return null;
    chunks.push(chunk.subarray(0, read));
  }
}

/**
 * The whole text of a file, or of standard input for `-`, of at most `maxBytes`. When it cannot be
 * read, or is larger, throws the caller's own error, made by `failure` from the reason (`ENOENT`,
 * `EACCES`, the bound …), so that each part names what the file was for.
 * @defaultValue maxBytes: no bound
 */
export function readText(path: string, failure: (reason: string) => Error, maxBytes = Number.POSITIVE_INFINITY): string {
  let buffer: Buffer | null;
  try {
    const fd = path === STDIN_PATH ? 0 : openSync(path, 'r');
    try {
      buffer = readBounded(fd, maxBytes);
    } finally {
      if (fd !== 0) closeSync(fd);
    }
  } catch (error) {
    throw failure((error as NodeJS.ErrnoException).code ?? errorMessage(error));
  }
  if (buffer === null) throw failure(`larger than the ${maxBytes} bytes allowed`);
  return buffer.toString('utf8');
}

/**
 * The lines of a file, or of standard input for `-`, one at a time and without their line ends
 * (`\n` or `\r\n`), so that a file of any size is never held whole. When it cannot be read, throws
 * the caller's own error, made by `failure` from the reason (`ENOENT`, `EISDIR` …), as readText does.
 */
export async function* readLines(path: string, failure: (reason: string) => Error): AsyncGenerator<string> {
  const input = path === STDIN_PATH ? process.stdin : createReadStream(path, { encoding: 'utf8' });
  try {
    yield* createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
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
