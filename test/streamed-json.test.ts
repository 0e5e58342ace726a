import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmptyJsonError, InputError } from '../src/platform/errors.js';
import { readStreamedJson } from '../src/platform/streamed-json.js';

const dir = mkdtempSync(join(tmpdir(), 'promptrca-streamed-json-'));
let files = 0;

function fileWith(text: string): string {
  files += 1;
  const path = join(dir, `${files}.json`);
  writeFileSync(path, text);
  return path;
}

/** Longer than the reader's 1 MiB chunk, so that tokens straddle a chunk boundary. */
const PAST_ONE_CHUNK = 1024 * 1024 + 7;

describe('readStreamedJson', () => {
  it('reads what JSON.parse reads: escapes, surrogate pairs, numbers, literals, nesting, __proto__ as a key', () => {
    const text =
      '{"a":"tab\\tquote\\" slash\\/ back\\\\ \\u00e9 \\ud83d\\ude00 é😀","n":[0,-1.5,2e3,1E-2,123456789012],' +
      ' "t":true,"f":false,"z":null,"e":{},"l":[],"deep":[[{"x":[1]}]],"__proto__":{"polluted":1}}';
    const value = readStreamedJson(fileWith(text));
    expect(value).toEqual(JSON.parse(text));
    expect(Object.keys(value as object)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps characters, escapes and numbers whole where a chunk ends inside them', () => {
    for (const filler of [PAST_ONE_CHUNK - 1024 * 1024, 0, 1, 2, 3]) {
      const pad = 'x'.repeat(1024 * 1024 - 10 - filler);
      const text = `{"pad":"${pad}","s":"ab€😀\\u00e9\\n","n":1234567.25}`;
      expect(readStreamedJson(fileWith(text))).toEqual(JSON.parse(text));
    }
  });

  it('keeps the first maxItems of the arrays it is told, reading past the rest, and cuts long strings with a marker', () => {
    const events = Array.from({ length: 50_000 }, (_, index) => ({ i: index, m: `line ${index}` }));
    const text = JSON.stringify({ keep: events, other: [1, 2, 3], long: 'y'.repeat(PAST_ONE_CHUNK) });
    const value = readStreamedJson(fileWith(text), {
      maxItems: (path) => (path.join('.') === 'keep' ? 10 : undefined),
      maxStringBytes: 100,
    }) as { keep: unknown[]; other: number[]; long: string };
    expect(value.keep).toEqual(events.slice(0, 10));
    expect(value.other).toEqual([1, 2, 3]);
    expect(value.long).toBe(`${'y'.repeat(100)}…[truncated: ${PAST_ONE_CHUNK - 100} more bytes]`);
  });

  it.each([
    ['{"calls": [ ', 'unexpected end of JSON'],
    ['{"a" 1}', 'expected :'],
    ['[1 2]', 'expected , or ]'],
    ['{"a":1,}', 'expected a property name'],
    ['"tab\there"', 'control character in a string'],
    ['"\\x"', 'invalid escape \\x'],
    ['01', 'invalid number 01'],
    ['[-]', 'invalid number -'],
    ['tru', 'unexpected token'],
    ['{} {}', 'unexpected text after the JSON value'],
  ])('refuses %j: %s, naming the byte', (text, problem) => {
    expect(() => readStreamedJson(fileWith(text))).toThrow(SyntaxError);
    expect(() => readStreamedJson(fileWith(text))).toThrow(new RegExp(`${problem.replace(/\\/g, '\\\\')} at byte \\d+`));
  });

  it.each(['', ' \n\t '])('refuses %j as empty: an input error of the project (exit 2), not a syntax error', (text) => {
    const error = (() => {
      try {
        return readStreamedJson(fileWith(text));
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(EmptyJsonError);
    expect(error).toBeInstanceOf(InputError);
    expect(error).not.toBeInstanceOf(SyntaxError);
    expect(error).toMatchObject({ name: 'EmptyJsonError', exitCode: 2, kind: 'permanent' });
  });

  it('refuses nesting deeper than maxDepth instead of overflowing the stack', () => {
    const path = fileWith(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    expect(() => readStreamedJson(path)).toThrow('nested deeper than 64 levels');
  });
});
