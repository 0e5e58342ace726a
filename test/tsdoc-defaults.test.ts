import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every optional field of an exported options interface says in its TSDoc what it is when left out
// (`@defaultValue`). TypeScript 7 has no compiler API, so this reads the source as text and relies
// on Biome's formatting: an interface's members are indented by exactly two spaces and it closes
// with `}` at the start of a line.

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const DECLARATION = /^export interface (\w+(?:Options|Settings|Limits))\b[^{]*\{$/;
const MEMBER = /^ {2}(?:readonly )?(\w+)(\??)[:(]/;

interface Scan {
  interfaces: string[];
  /** `Interface.field` of each optional field whose TSDoc has no @defaultValue. */
  missing: string[];
}

function scan(source: string): Scan {
  const result: Scan = { interfaces: [], missing: [] };
  let current: string | null = null;
  let doc = '';
  let inDoc = false;
  for (const line of source.split('\n')) {
    if (current === null) {
      current = DECLARATION.exec(line)?.[1] ?? null;
      if (current) result.interfaces.push(current);
      doc = '';
    } else if (line.startsWith('}')) {
      current = null;
    } else if (inDoc) {
      doc += line;
      inDoc = !line.includes('*/');
    } else if (line.startsWith('  /**')) {
      doc = line;
      inDoc = !line.includes('*/');
    } else {
      const member = MEMBER.exec(line);
      if (!member) continue;
      if (member[2] === '?' && !doc.includes('@defaultValue')) result.missing.push(`${current}.${member[1]}`);
      doc = '';
    }
  }
  return result;
}

function scanSrc(): Scan {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const all: Scan = { interfaces: [], missing: [] };
  for (const file of files) {
    const { interfaces, missing } = scan(readFileSync(join(SRC, file), 'utf8'));
    all.interfaces.push(...interfaces);
    all.missing.push(...missing.map((field) => `${file}: ${field}`));
  }
  return all;
}

describe('TSDoc of exported options (@defaultValue)', () => {
  it('every optional field of an exported …Options, …Settings or …Limits interface in src/ names its default', () => {
    const { interfaces, missing } = scanSrc();
    // The scan reads the interfaces it should (not vacuously passing on a format it no longer matches).
    expect(interfaces).toEqual(
      expect.arrayContaining(['FactToolOptions', 'LlmSettings', 'LlmSimOptions', 'SimLimitOptions', 'SqsBridgeOptions', 'LlmLimits']),
    );
    expect(interfaces.length).toBeGreaterThan(25);
    expect(missing).toEqual([]);
  });

  it('the scan flags a default given in prose only, and only optional fields of those interfaces', () => {
    const source = [
      'export interface FactToolOptions {',
      '  /** Per AWS call; default 10 s. */',
      '  timeoutMs?: number;',
      '  /** Required: no default to name. */',
      '  region: string;',
      '  /**',
      '   * Told of each failure.',
      '   * @defaultValue none',
      '   */',
      '  onFailure?: () => void;',
      '  readonly limit?: number;',
      '  nested: {',
      '    inner?: number;',
      '  };',
      '  check?(value: number): boolean;',
      '}',
      'export interface QueueInfo {',
      '  redrive?: string;',
      '}',
      'interface LocalOptions {',
      '  hidden?: number;',
      '}',
      'export interface WorkerSettings extends BaseSettings {',
      '  /** @defaultValue 10 */',
      '  concurrency?: number;',
      '}',
    ].join('\n');

    expect(scan(source)).toEqual({
      interfaces: ['FactToolOptions', 'WorkerSettings'],
      missing: ['FactToolOptions.timeoutMs', 'FactToolOptions.limit', 'FactToolOptions.check'],
    });
  });
});
