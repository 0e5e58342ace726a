import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/platform/errors.js';
import { effectiveRollout } from '../src/rollout/effective-rollout.js';
import { AgentToolsNeedsModelError } from '../src/worker/errors.js';
import { assertModelForRouting, workerSettingsFromEnv } from '../src/worker/worker-settings.js';

describe('workerSettingsFromEnv', () => {
  it('uses the defaults when nothing is set, and --concurrency over the environment', () => {
    expect(workerSettingsFromEnv({})).toEqual({ concurrency: 10, shutdownGraceSeconds: 30, lockDurationMs: 30_000 });
    expect(workerSettingsFromEnv({ PROMPTRCA_WORKER_CONCURRENCY: '4' }, '7').concurrency).toBe(7);
    expect(workerSettingsFromEnv({ PROMPTRCA_SHUTDOWN_GRACE_SECONDS: '0', PROMPTRCA_LOCK_DURATION_MS: '1500' })).toMatchObject({
      shutdownGraceSeconds: 0,
      lockDurationMs: 1500,
    });
  });

  it.each([
    [
      { PROMPTRCA_SHUTDOWN_GRACE_SECONDS: 'soon' },
      undefined,
      'PROMPTRCA_SHUTDOWN_GRACE_SECONDS="soon" is not valid: allowed a whole number from 0 to 3600',
    ],
    [
      { PROMPTRCA_LOCK_DURATION_MS: '10' },
      undefined,
      'PROMPTRCA_LOCK_DURATION_MS="10" is not valid: allowed a whole number from 1000 to 600000',
    ],
    [{}, '2.5', '--concurrency="2.5" is not valid: allowed a whole number from 1 to 1000'],
  ])('rejects %o %s naming the setting, the value and what is allowed', (env, option, message) => {
    expect(() => workerSettingsFromEnv(env, option)).toThrow(ConfigError);
    expect(() => workerSettingsFromEnv(env, option)).toThrow(message);
  });
});

describe('assertModelForRouting', () => {
  const ALL_DIRECT_ENV = { PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true', PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '100' };

  it('lets a model-less worker start only when nothing new can reach agent_tools, the stored rollout included', () => {
    expect(() =>
      assertModelForRouting(effectiveRollout({ PROMPTRCA_FORCE_ORCHESTRATOR: 'direct' }, { enabled: false }), 'none'),
    ).not.toThrow();
    expect(() => assertModelForRouting(effectiveRollout(ALL_DIRECT_ENV, null), 'none')).not.toThrow();
    // The environment alone would route to agent_tools; the stored rollout, which wins, does not.
    expect(() => assertModelForRouting(effectiveRollout({}, { enabled: true, percentage: 100 }), 'none')).not.toThrow();
    expect(() => assertModelForRouting(effectiveRollout({}, null), 'openai')).not.toThrow();
  });

  it.each([
    [
      { ...ALL_DIRECT_ENV, PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '99' },
      null,
      'PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE=99 leaves 1% to agent_tools',
      'PROMPTRCA_USE_DIRECT_ORCHESTRATION=true with PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE=100',
    ],
    [
      { PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'false' },
      null,
      'PROMPTRCA_USE_DIRECT_ORCHESTRATION is false, so every investigation',
      'PROMPTRCA_FORCE_ORCHESTRATOR=direct for this worker',
    ],
    [{}, null, 'PROMPTRCA_USE_DIRECT_ORCHESTRATION is false (its default)', 'PROMPTRCA_FORCE_ORCHESTRATOR=direct for this worker'],
    [
      { ...ALL_DIRECT_ENV, PROMPTRCA_FORCE_ORCHESTRATOR: 'agent_tools' },
      null,
      'PROMPTRCA_FORCE_ORCHESTRATOR=agent_tools',
      '(PROMPTRCA_FORCE_ORCHESTRATOR=direct)',
    ],
    [
      ALL_DIRECT_ENV,
      { enabled: true, percentage: 10 },
      'the rollout stored by `promptrca rollout set` (percentage 10) leaves 90% to agent_tools',
      '`promptrca rollout set --enabled true --percentage 100`',
    ],
    [
      ALL_DIRECT_ENV,
      { enabled: false },
      'the rollout stored by `promptrca rollout set` has enabled=false',
      '`promptrca rollout set --enabled true --percentage 100`',
    ],
  ])('refuses env %o with stored %o without a model, saying what routes there and how to route it away', (env, stored, why, wayOut) => {
    const rollout = effectiveRollout(env, stored);
    expect(() => assertModelForRouting(rollout, 'none')).toThrow(AgentToolsNeedsModelError);
    expect(() => assertModelForRouting(rollout, 'none')).toThrow(why);
    expect(() => assertModelForRouting(rollout, 'none')).toThrow(wayOut);
  });
});
