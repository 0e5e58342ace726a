import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, REPO_ROOT } from './support/run-cli.js';

// cli.ts loads each command's code when that command runs, so a command starts without the
// dependencies of the others: bullmq and ioredis alone cost a third of a second at every start.

const HOOK = fileURLToPath(new URL('./support/loaded-packages.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'promptrca-startup-'));

async function packagesLoadedBy(name: string, args: string[]): Promise<{ code: number; packages: Set<string> }> {
  const file = join(dir, `${name}.txt`);
  const code = await new Promise<number>((resolve) => {
    execFile(
      process.execPath,
      ['--import', HOOK, CLI, ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH, LOADED_PACKAGES_FILE: file }, timeout: 20_000 },
      (error) => resolve(error ? (typeof error.code === 'number' ? error.code : 1) : 0),
    );
  });
  let lines: string[] = [];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    // A process that resolved no package wrote no file.
  }
  return { code, packages: new Set(lines.filter(Boolean)) };
}

describe('what a command loads at start', () => {
  it('--help loads neither the queue, Redis, the model client nor the AWS SDK', async () => {
    const { code, packages } = await packagesLoadedBy('help', ['--help']);
    expect(code).toBe(0);
    expect(packages).toContain('commander');
    const heavy = [...packages].filter((name) => /^(bullmq|ioredis|openai|@aws-sdk\/)/.test(name));
    expect(heavy).toEqual([]);
  });

  it('investigate --llm none on an example loads no Redis, queue or model code', async () => {
    const { code, packages } = await packagesLoadedBy('investigate', [
      'investigate',
      '--alarm',
      join(REPO_ROOT, 'examples/lambda-timeout.json'),
      '--orchestrator',
      'direct',
      '--llm',
      'none',
    ]);
    expect(code).toBe(0);
    expect(packages).toContain('@aws-sdk/client-lambda');
    expect([...packages].filter((name) => /^(bullmq|ioredis|openai)$/.test(name))).toEqual([]);
  });
});
