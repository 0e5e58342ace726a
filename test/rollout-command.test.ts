import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { auditKey } from '../src/rollout/rollout-audit.js';
import { rolloutKey } from '../src/rollout/rollout-state.js';
import { healthyRollout } from './support/crafted-reports.js';
import { deleteKeys, REDIS_URL, runCli, uniquePrefix } from './support/pipeline.js';

const prefix = uniquePrefix('rollout-command');
const env = { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_OPERATOR: 'alice@laptop' };
const dir = mkdtempSync(join(tmpdir(), 'promptrca-rollout-command-'));

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await deleteKeys(prefix);
});

const status = async () => JSON.parse((await runCli(['rollout', 'status', '--json'], env)).stdout);

describe('promptrca rollout', () => {
  it('refuses bad input with exit 2, naming the option, the value and what is allowed, and stores nothing', async () => {
    const [percentage, enabled, nothing] = await Promise.all([
      runCli(['rollout', 'set', '--percentage', '150'], env),
      runCli(['rollout', 'set', '--enabled', 'yes'], env),
      runCli(['rollout', 'set', '--reason', 'no values'], env),
    ]);
    expect([percentage.code, enabled.code, nothing.code]).toEqual([2, 2, 2]);
    expect(percentage.stderr).toContain('--percentage="150" is not valid: allowed a whole number from 0 to 100');
    expect(enabled.stderr).toContain('--enabled="yes" is not valid: allowed true or false');
    expect(nothing.stderr).toContain('rollout set needs --percentage N (a whole number from 0 to 100) and/or --enabled true|false');
    const redis = new Redis(REDIS_URL);
    expect(await redis.exists(rolloutKey(prefix), auditKey(prefix))).toBe(0);
    redis.disconnect();
  });

  it('shows the environment and defaults as the sources while nothing is stored', async () => {
    const shown = await status();
    expect(shown.effective).toMatchObject({
      enabled: { value: false, source: 'default' },
      percentage: { value: 100, source: 'default' },
      direct_percentage: 0,
    });
    expect(shown.audit).toEqual([]);
  });

  it('audits each change with time, old → new, who and reason; rollback only sets the percentage to 0', async () => {
    expect((await runCli(['rollout', 'set', '--enabled', 'true', '--percentage', '10', '--reason', 'phase 1'], env)).code).toBe(0);
    const rollback = await runCli(['rollout', 'rollback', '--reason', 'p95 doubled'], env);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toContain('percentage 10 → 0  by alice@laptop: p95 doubled');
    const shown = await status();
    expect(shown.stored).toEqual({ enabled: true, percentage: 0 });
    expect(shown.effective.enabled).toEqual({ value: true, source: 'redis' });
    expect(shown.audit).toEqual([
      { at: expect.any(String), who: 'alice@laptop', reason: 'p95 doubled', changes: [{ field: 'percentage', old: '10', new: '0' }] },
      {
        at: expect.any(String),
        who: 'alice@laptop',
        reason: 'phase 1',
        changes: [
          { field: 'enabled', old: null, new: 'true' },
          { field: 'percentage', old: null, new: '10' },
        ],
      },
    ]);
    const text = await runCli(['rollout', 'status'], env);
    expect(text.stdout).toMatch(/^ {2}percentage +0 +\(redis\)$/m);
    expect(text.stdout).toContain('percentage 10 → 0  by alice@laptop: p95 doubled');
  });

  it('has compare judge at the live percentage by default, and fail with exit 1 when Redis is away', async () => {
    expect((await runCli(['rollout', 'set', '--percentage', '50'], env)).code).toBe(0);
    const file = join(dir, 'reports.json');
    writeFileSync(file, JSON.stringify(healthyRollout()));
    const [compare, away] = await Promise.all([
      runCli(['compare', '--json', file], { ...env, PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '10' }),
      runCli(['compare', file], { ...env, REDIS_URL: 'redis://127.0.0.1:1' }),
    ]);
    expect(compare.code, compare.stderr).toBe(0);
    expect(JSON.parse(compare.stdout).verdict).toMatchObject({ current_percentage: 50, headline: 'promote to 100%' });
    expect(away.code).toBe(1);
    expect(away.stderr).toContain('cannot reach Redis at redis://127.0.0.1:1');
  });
});
