import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, getAvailableTranspilers, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';

// The rules of .dependency-cruiser.cjs (npm run lint:deps), checked on a small made-up src/ with
// one breach per rule next to imports that each rule must let through.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as IConfiguration;

async function violationsIn(
  baseDir: string,
  files: string[],
): Promise<{ modules: ICruiseResult['modules']; byFile: Map<string, Set<string>> }> {
  const { output } = await cruise(files, { ...config.options, baseDir, validate: true, ruleSet: { forbidden: config.forbidden ?? [] } });
  const result = output as ICruiseResult;
  const byFile = new Map<string, Set<string>>();
  for (const violation of result.summary.violations) {
    const rules = byFile.get(violation.from) ?? new Set<string>();
    rules.add(violation.rule.name);
    byFile.set(violation.from, rules);
  }
  return { modules: result.modules, byFile };
}

/** Each fixture file: the modules it imports (`type:` marks an `import type`), and the rules its imports break. */
const FIXTURE: Record<string, { imports: string[]; breaks?: string[] }> = {
  // Allowed: each layer using those below it, commands loaded by cli.ts, I/O outside the pure code.
  'src/cli.ts': {
    imports: ['./worker/commands/worker-command.js', './orchestrators/commands/investigate-command.js', './platform/base.js'],
  },
  'src/worker/commands/worker-command.ts': { imports: ['../worker.js'] },
  'src/worker/worker.ts': {
    imports: [
      '../platform/base.js',
      '../producer/enqueue.js',
      '../report/report.js',
      '../rollout/assignment.js',
      '../orchestrators/run.js',
      'bullmq',
    ],
  },
  'src/orchestrators/commands/investigate-command.ts': { imports: ['../../rollout/assignment.js', '../run.js'] },
  'src/orchestrators/run.ts': { imports: ['../report/report.js', '../producer/alarm.js', '../platform/base.js', 'openai', 'node:http'] },
  'src/orchestrators/specialists/lambda/signals/scan-logs.ts': {
    imports: ['winston', 'zod', 'node:crypto', '../../../../producer/alarm.js'],
  },
  'src/report/report.ts': { imports: ['../producer/alarm.js', '../platform/base.js', 'zod'] },
  'src/report/report-files.ts': { imports: ['node:fs/promises'] },
  'src/rollout/assignment.ts': { imports: ['../report/report.js', 'winston'] },
  'src/rollout/rollout-state.ts': { imports: ['../platform/redis-connection.js'] },
  'src/producer/alarm.ts': { imports: ['../platform/base.js', 'zod'] },
  'src/producer/enqueue.ts': { imports: ['bullmq', './alarm.js'] },
  'src/producer/sqs-queue.ts': { imports: ['@aws-sdk/client-sqs'] },
  'src/producer/alarm-input.ts': { imports: ['node:fs'] },
  'src/producer/commands/enqueue-command.ts': { imports: ['node:fs', '../enqueue.js'] },
  'src/platform/base.ts': { imports: ['winston'] },
  'src/platform/redis-connection.ts': { imports: ['ioredis', 'node:net'] },
  'src/report/store.ts': { imports: ['../platform/redis-connection.js'] },
  'src/orchestrators/aws-clients.ts': { imports: ['@aws-sdk/client-lambda'] },
  'src/orchestrators/specialists/sqs/sqs-rules.ts': { imports: ['./sqs-evidence.js', '../../../producer/alarm.js', 'winston'] },
  'src/orchestrators/specialists/sqs/sqs-evidence.ts': { imports: ['zod'] },

  // Layers.
  'src/platform/up.ts': { imports: ['../producer/alarm.js'], breaks: ['platform-imports-no-part'] },
  'src/producer/up.ts': { imports: ['../report/report.js'], breaks: ['producer-imports-only-platform'] },
  'src/report/up.ts': { imports: ['../rollout/assignment.js'], breaks: ['report-imports-only-platform-producer'] },
  'src/rollout/up.ts': { imports: ['../orchestrators/run.js'], breaks: ['rollout-imports-only-platform-producer-report'] },
  'src/orchestrators/up.ts': { imports: ['../rollout/assignment.js'], breaks: ['orchestrators-import-only-platform-producer-report'] },
  'src/orchestrators/commands/up-command.ts': { imports: ['../../worker/worker.js'], breaks: ['orchestrators-commands-import-no-worker'] },
  'src/worker/up.ts': { imports: ['../cli.js'], breaks: ['worker-imports-no-cli'] },
  // Command code.
  'src/worker/uses-command.ts': { imports: ['./commands/worker-command.js'], breaks: ['only-cli-imports-commands'] },
  'src/producer/commands/uses-other-command.ts': { imports: ['./enqueue-command.js'], breaks: ['only-cli-imports-commands'] },
  // Cycles, also one closed by a type-only import (each cycle is reported once, from its first module).
  'src/report/cycle-a.ts': { imports: ['./cycle-b.js'], breaks: ['no-circular'] },
  'src/report/cycle-b.ts': { imports: ['type:./cycle-a.js'] },
  // Pure code, including files that do not exist yet in src/.
  'src/producer/new-alarm-format.ts': { imports: ['node:fs'], breaks: ['pure-code-does-no-io'] },
  'src/producer/parse-alarm.ts': { imports: ['@aws-sdk/client-sqs'], breaks: ['pure-code-does-no-io'] },
  'src/orchestrators/specialists/lambda/signals/fetch.ts': { imports: ['node:http'], breaks: ['pure-code-does-no-io'] },
  'src/orchestrators/rules/ask.ts': { imports: ['openai'], breaks: ['pure-code-does-no-io'] },
  'src/rollout/flags.ts': { imports: ['bullmq'], breaks: ['pure-code-does-no-io'] },
  'src/report/verdict.ts': { imports: ['@aws-sdk/client-cloudwatch'], breaks: ['pure-code-does-no-io'] },
  'src/report/comparison-new.ts': { imports: ['bullmq'], breaks: ['pure-code-does-no-io'] },
  'src/report/format-new.ts': { imports: ['node:net'], breaks: ['pure-code-does-no-io'] },
  'src/report/compare-html.ts': { imports: ['node:fs/promises'], breaks: ['pure-code-does-no-io'] },
  // every specialist's rules file, wherever it sits, and I/O reached through other modules
  'src/orchestrators/specialists/dynamodb/dynamodb-rules.ts': { imports: ['@aws-sdk/client-dynamodb'], breaks: ['pure-code-does-no-io'] },
  'src/orchestrators/specialists/alarm-metric-rules.ts': { imports: ['type:../aws-clients.js'], breaks: ['pure-code-does-no-io'] },
  'src/report/sinks/notice.ts': { imports: ['../store.js'], breaks: ['pure-code-does-no-io'] },
  // ioredis outside the connection factory (a type-only import too: swc cannot tell it apart)
  'src/report/own-redis.ts': { imports: ['ioredis'], breaks: ['ioredis-only-in-redis-connection'] },
  'src/worker/redis-types.ts': { imports: ['type:ioredis'], breaks: ['ioredis-only-in-redis-connection'] },
  // Imports that resolve to nothing.
  'src/platform/broken.ts': { imports: ['./missing.js'], breaks: ['not-to-unresolvable'] },
};

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('dependency rules (.dependency-cruiser.cjs)', () => {
  it('read .ts files with swc (TypeScript 7 has no compiler API that dependency-cruiser can use)', () => {
    expect(getAvailableTranspilers().find(({ name }) => name === 'swc')?.available).toBe(true);
  });

  it('flag exactly the imports that break them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'promptrca-depcruise-'));
    dirs.push(dir);
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    for (const [file, { imports }] of Object.entries(FIXTURE)) {
      mkdirSync(join(dir, dirname(file)), { recursive: true });
      const lines = imports.map((spec) => (spec.startsWith('type:') ? `import type {} from '${spec.slice(5)}';` : `import '${spec}';`));
      writeFileSync(join(dir, file), `${lines.join('\n')}\nexport {};\n`);
    }

    const { modules, byFile } = await violationsIn(dir, ['src']);

    expect(modules.filter((module) => module.source.startsWith('src/')).length).toBe(Object.keys(FIXTURE).length);
    const found = Object.fromEntries(Object.keys(FIXTURE).map((file) => [file, [...(byFile.get(file) ?? [])].sort()]));
    const expected = Object.fromEntries(Object.entries(FIXTURE).map(([file, { breaks }]) => [file, breaks ?? []]));
    expect(found).toEqual(expected);
  });

  it('read every module of the real src/ and resolve every import', async () => {
    const { modules, byFile } = await violationsIn(ROOT, ['src/cli.ts', 'src']);

    const tsFiles = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    expect(modules.filter((module) => module.source.startsWith('src/')).length).toBe(tsFiles.length);
    expect(modules.flatMap((module) => module.dependencies).filter((dependency) => dependency.couldNotResolve)).toEqual([]);
    expect([...byFile.values()].filter((rules) => rules.has('not-to-unresolvable'))).toEqual([]);
  });
});
