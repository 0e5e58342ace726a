import { closeSync, openSync, readSync } from 'node:fs';
import { EmptyJsonError } from './errors.js';

/** Where a value sits in the document: the keys of the objects and the indexes of the arrays above it. */
export type JsonPath = ReadonlyArray<string | number>;

export interface StreamedJsonOptions {
  /** How many items of the array at `path` to keep; the others are read past without being built. @defaultValue all of them */
  maxItems?: (path: JsonPath) => number | undefined;
  /** Strings of more UTF-8 bytes are cut there, with a marker saying how much was left out. @defaultValue no bound */
  maxStringBytes?: number;
  /** Objects and arrays nested deeper are refused (a stack overflow is no answer). @defaultValue 64 */
  maxDepth?: number;
}

const CHUNK_BYTES = 1024 * 1024;
const DEFAULT_MAX_DEPTH = 64;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const ESCAPED: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function isNumberByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || byte === 0x2d || byte === 0x2b || byte === 0x2e || byte === 0x65 || byte === 0x45;
}

/**
 * A recursive-descent JSON parser over a file read one chunk at a time: neither the whole text nor
 * the parts the caller drops are ever held. Strings are decoded from the bytes into strings of
 * their own, so a kept value never pins the chunk it was read from.
 */
class StreamedJsonParser {
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private length = 0;
  private pos = 0;
  /** Bytes of the file before the current chunk, for error positions. */
  private consumed = 0;
  private ended = false;
  private readonly path: Array<string | number> = [];
  private readonly maxStringBytes: number;
  private readonly maxDepth: number;

  constructor(
    private readonly fd: number,
    private readonly options: StreamedJsonOptions,
  ) {
    this.maxStringBytes = options.maxStringBytes ?? Number.POSITIVE_INFINITY;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  document(): unknown {
    this.skipSpace();
    if (!this.more()) throw new EmptyJsonError();
    const value = this.value(true);
    this.skipSpace();
    if (this.more()) this.fail('unexpected text after the JSON value');
    return value;
  }

  /** True when a byte is at `pos`, reading the next chunk when the current one is used up. */
  private more(): boolean {
    while (this.pos >= this.length) {
      if (this.ended) return false;
      this.consumed += this.length;
      this.length = readSync(this.fd, this.chunk, 0, CHUNK_BYTES, null);
      this.pos = 0;
      this.ended = this.length === 0;
    }
    return true;
  }

  private fail(what: string): never {
    throw new SyntaxError(`${what} at byte ${this.consumed + this.pos}`);
  }

  /** The next byte (-1 at the end), not consumed. */
  private peek(): number {
    return this.more() ? (this.chunk[this.pos] as number) : -1;
  }

  private skipSpace(): void {
    while (this.more()) {
      const byte = this.chunk[this.pos];
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) return;
      this.pos += 1;
    }
  }

  private value(keep: boolean): unknown {
    this.skipSpace();
    switch (this.peek()) {
      case 0x7b:
        return this.object(keep);
      case 0x5b:
        return this.array(keep);
      case QUOTE:
        return this.string(keep);
      case 0x74:
        return this.literal('true', true);
      case 0x66:
        return this.literal('false', false);
      case 0x6e:
        return this.literal('null', null);
      case -1:
        return this.fail('unexpected end of JSON');
      default:
        return this.number();
    }
  }

  private enter(): void {
    if (this.path.length >= this.maxDepth) this.fail(`nested deeper than ${this.maxDepth} levels`);
    this.pos += 1;
    this.skipSpace();
  }

  /** After an item: true at the closing bracket (consumed), false after a comma. */
  private closes(bracket: number, expected: string): boolean {
    this.skipSpace();
    const byte = this.peek();
    if (byte !== bracket && byte !== 0x2c) this.fail(`expected , or ${expected}`);
    this.pos += 1;
    return byte === bracket;
  }

  private object(keep: boolean): Record<string, unknown> | undefined {
    this.enter();
    const result: Record<string, unknown> | undefined = keep ? {} : undefined;
    if (this.peek() === 0x7d) {
      this.pos += 1;
      return result;
    }
    do {
      this.skipSpace();
      if (this.peek() !== QUOTE) this.fail('expected a property name');
      const key = this.string(true) as string;
      this.skipSpace();
      if (this.peek() !== 0x3a) this.fail('expected :');
      this.pos += 1;
      this.path.push(key);
      const item = this.value(keep);
      this.path.pop();
      // As JSON.parse does: "__proto__" is an own property, not the prototype.
      if (result) Object.defineProperty(result, key, { value: item, enumerable: true, writable: true, configurable: true });
    } while (!this.closes(0x7d, '}'));
    return result;
  }

  private array(keep: boolean): unknown[] | undefined {
    const limit = keep ? (this.options.maxItems?.(this.path) ?? Number.POSITIVE_INFINITY) : 0;
    this.enter();
    const result: unknown[] | undefined = keep ? [] : undefined;
    if (this.peek() === 0x5d) {
      this.pos += 1;
      return result;
    }
    let index = 0;
    do {
      this.path.push(index);
      const item = this.value(index < limit);
      this.path.pop();
      if (result && index < limit) result.push(item);
      index += 1;
    } while (!this.closes(0x5d, ']'));
    return result;
  }

  private literal<T>(word: string, value: T): T {
    for (let index = 0; index < word.length; index += 1) {
      if (this.peek() !== word.charCodeAt(index)) this.fail('unexpected token');
      this.pos += 1;
    }
    return value;
  }

  private number(): number {
    let text = '';
    do {
      const start = this.pos;
      while (this.pos < this.length && isNumberByte(this.chunk[this.pos] as number)) this.pos += 1;
      text += this.chunk.toString('latin1', start, this.pos);
    } while (this.pos === this.length && text.length <= 64 && this.more());
    if (!NUMBER.test(text)) this.fail(text ? `invalid number ${text.slice(0, 64)}` : 'unexpected token');
    return Number(text);
  }

  /** From `pos`, the index of the first quote, backslash or control byte in the chunk, or its end. */
  private stringRun(): number {
    let end = this.pos;
    while (end < this.length) {
      const byte = this.chunk[end] as number;
      if (byte === QUOTE || byte === BACKSLASH || byte < 0x20) return end;
      end += 1;
    }
    return end;
  }

  /** Past the byte that ended a run: true at the closing quote; after a backslash, the escaped character. */
  private runEnd(end: number): true | string {
    const byte = this.chunk[end] as number;
    this.pos = end + 1;
    if (byte === QUOTE) return true;
    if (byte !== BACKSLASH) this.fail('control character in a string');
    return this.escape();
  }

  /** A string, its bytes beyond maxStringBytes read past; undefined when not kept. */
  private string(keep: boolean): string | undefined {
    this.pos += 1;
    let decoded = '';
    // Bytes that ran to the end of a chunk, decoded with what follows so that a character split between chunks stays whole.
    let pending: Buffer[] = [];
    let kept = 0;
    let total = 0;
    for (;;) {
      if (!this.more()) this.fail('unterminated string');
      const start = this.pos;
      const end = this.stringRun();
      total += end - start;
      const take = keep ? Math.min(end - start, this.maxStringBytes - kept) : 0;
      if (take > 0) kept += take;
      if (end === this.length) {
        if (take > 0) pending.push(Buffer.from(this.chunk.subarray(start, start + take)));
        this.pos = end;
        continue;
      }
      if (pending.length > 0) {
        pending.push(this.chunk.subarray(start, start + take));
        decoded += Buffer.concat(pending).toString('utf8');
        pending = [];
      } else if (take > 0) decoded += this.chunk.toString('utf8', start, start + take);
      const ended = this.runEnd(end);
      if (ended === true) break;
      total += 1;
      if (keep && kept < this.maxStringBytes) {
        decoded += ended;
        kept += 1;
      }
    }
    if (!keep) return undefined;
    return total > kept ? `${decoded}…[truncated: ${total - kept} more bytes]` : decoded;
  }

  private escape(): string {
    if (!this.more()) this.fail('unterminated string');
    const letter = String.fromCharCode(this.chunk[this.pos] as number);
    this.pos += 1;
    if (letter !== 'u') return ESCAPED[letter] ?? this.fail(`invalid escape \\${letter}`);
    let hex = '';
    for (let digit = 0; digit < 4; digit += 1) {
      if (!this.more()) this.fail('unterminated string');
      hex += String.fromCharCode(this.chunk[this.pos] as number);
      this.pos += 1;
    }
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(`invalid escape \\u${hex}`);
    return String.fromCharCode(Number.parseInt(hex, 16));
  }
}

/**
 * Parses a JSON file chunk by chunk, keeping only what `options` allow, so that a file of hundreds of
 * megabytes costs what is kept of it rather than its text and whole object tree. Throws SyntaxError
 * (naming the byte) for text that is not JSON, EmptyJsonError (errors.ts) when there is no value at all, and the
 * file system's error when it cannot be read.
 */
export function readStreamedJson(path: string, options: StreamedJsonOptions = {}): unknown {
  const fd = openSync(path, 'r');
  try {
    return new StreamedJsonParser(fd, options).document();
  } finally {
    closeSync(fd);
  }
}
