import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors.js';
import { AgentToolsNeedsModelError, assertModelForRouting, workerSettingsFromEnv } from '../src/worker/worker-settings.js';

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
    [{ PROMPTRCA_SHUTDOWN_GRACE_SECONDS: 'soon' }, undefined, 'PROMPTRCA_SHUTDOWN_GRACE_SECONDS="soon" is not valid: allowed a whole number from 0 to 3600'],
    [{ PROMPTRCA_LOCK_DURATION_MS: '10' }, undefined, 'PROMPTRCA_LOCK_DURATION_MS="10" is not valid: allowed a whole number from 1000 to 600000'],
    [{}, '2.5', '--concurrency="2.5" is not valid: allowed a whole number from 1 to 1000'],
  ])('rejects %o %s naming the setting, the value and what is allowed', (env, option, message) => {
    expect(() => workerSettingsFromEnv(env, option)).toThrow(ConfigError);
    expect(() => workerSettingsFromEnv(env, option)).toThrow(message);
  });
});

describe('assertModelForRouting', () => {
  it('lets a model-less worker start only when nothing new can reach agent_tools', () => {
    expect(() => assertModelForRouting({ useDirect: false, percentage: 0, force: 'direct' }, 'none')).not.toThrow();
    expect(() => assertModelForRouting({ useDirect: true, percentage: 100, force: null }, 'none')).not.toThrow();
    expect(() => assertModelForRouting({ useDirect: false, percentage: 100, force: null }, 'openai')).not.toThrow();
  });

  it.each([
    [{ useDirect: true, percentage: 99, force: null }, 'PERCENTAGE=99 leaves 1% to agent_tools'],
    [{ useDirect: false, percentage: 100, force: null }, 'PROMPTRCA_USE_DIRECT_ORCHESTRATION is false'],
    [{ useDirect: true, percentage: 100, force: 'agent_tools' as const }, 'PROMPTRCA_FORCE_ORCHESTRATOR=agent_tools'],
  ])('refuses %o without a model, saying why', (flags, why) => {
    expect(() => assertModelForRouting(flags, 'none')).toThrow(AgentToolsNeedsModelError);
    expect(() => assertModelForRouting(flags, 'none')).toThrow(why);
  });
});
