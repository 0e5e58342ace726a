import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/platform/errors.js';
import { ORCHESTRATOR_TYPES } from '../src/report/report.js';
import { resultsJobId } from '../src/report/results-publisher.js';
import { bucketFor } from '../src/rollout/assignment.js';
import {
  otherOrchestrator,
  type ShadowSettings,
  shadowBucketFor,
  shadowOrchestratorFor,
  shadowPercentageFromEnv,
} from '../src/worker/shadow.js';

const ids = Array.from({ length: 4_000 }, (_, i) => `inv-${i.toString(16).padStart(24, '0')}`);
const BOTH = new Set(ORCHESTRATOR_TYPES);
const at = (percentage: number, runnable: ShadowSettings['runnable'] = BOTH): ShadowSettings => ({ percentage, runnable });

describe('which investigations are shadowed', () => {
  it('uses bytes 4..8 of SHA-256(id) mod 100, as computed by `sha256sum`, so other programs can agree', () => {
    // printf '%s' ID | sha256sum: ec5fc776 8a5d6159…, dfdc2bfc 901b2301…, 243e7fdb 6917a68a…
    expect(shadowBucketFor('inv-4cce557054cb67d038ecdb5a')).toBe(0x8a5d6159 % 100);
    expect(shadowBucketFor('inv-000000000000000000000001')).toBe(0x901b2301 % 100);
    expect(shadowBucketFor('incident ü')).toBe(0x6917a68a % 100);
  });

  it('shadows none at 0, all at 100, and keeps everything shadowed at 10% shadowed at 25%', () => {
    expect(ids.filter((id) => shadowOrchestratorFor(id, 'direct_invocation', at(0)) !== null)).toEqual([]);
    expect(ids.filter((id) => shadowOrchestratorFor(id, 'direct_invocation', at(100)) === null)).toEqual([]);
    const at10 = ids.filter((id) => shadowOrchestratorFor(id, 'agent_tools', at(10)) !== null);
    const at25 = new Set(ids.filter((id) => shadowOrchestratorFor(id, 'agent_tools', at(25)) !== null));
    expect(at10.length).toBeGreaterThan(300);
    expect(at10.length).toBeLessThan(500);
    for (const id of at10) expect(at25.has(id)).toBe(true);
  });

  it('samples independently of the rollout bucket: 30% of the direct share and of the agent_tools share alike', () => {
    const shadowedShare = (group: string[]) => group.filter((id) => shadowBucketFor(id) < 30).length / group.length;
    const directAt20 = ids.filter((id) => bucketFor(id) < 20);
    const agentAt20 = ids.filter((id) => bucketFor(id) >= 20);
    expect(shadowedShare(directAt20)).toBeGreaterThan(0.25);
    expect(shadowedShare(directAt20)).toBeLessThan(0.35);
    expect(shadowedShare(agentAt20)).toBeGreaterThan(0.27);
    expect(shadowedShare(agentAt20)).toBeLessThan(0.33);
  });

  it('runs the other orchestrator, and none when this worker cannot run it (agent_tools without a model)', () => {
    expect(otherOrchestrator('direct_invocation')).toBe('agent_tools');
    expect(otherOrchestrator('agent_tools')).toBe('direct_invocation');
    const directOnly = at(100, new Set(['direct_invocation']));
    expect(shadowOrchestratorFor(ids[0]!, 'agent_tools', directOnly)).toBe('direct_invocation');
    expect(shadowOrchestratorFor(ids[0]!, 'direct_invocation', directOnly)).toBeNull();
  });

  it('publishes the shadow report under its own results job id, never the investigation ID itself', () => {
    expect(resultsJobId('inv-abc', false)).toBe('inv-abc');
    expect(resultsJobId('inv-abc', true)).toBe('inv-abc-shadow');
  });
});

describe('PROMPTRCA_SHADOW_PERCENTAGE', () => {
  it('defaults to 0 and takes a whole number from 0 to 100', () => {
    expect(shadowPercentageFromEnv({})).toBe(0);
    expect(shadowPercentageFromEnv({ PROMPTRCA_SHADOW_PERCENTAGE: '' })).toBe(0);
    expect(shadowPercentageFromEnv({ PROMPTRCA_SHADOW_PERCENTAGE: '15' })).toBe(15);
  });

  it.each(['150', '-1', '12.5', 'half'])('refuses %s naming the variable and what is allowed', (value) => {
    expect(() => shadowPercentageFromEnv({ PROMPTRCA_SHADOW_PERCENTAGE: value })).toThrow(ConfigError);
    expect(() => shadowPercentageFromEnv({ PROMPTRCA_SHADOW_PERCENTAGE: value })).toThrow(
      `PROMPTRCA_SHADOW_PERCENTAGE=${JSON.stringify(value)} is not valid: allowed a whole number from 0 to 100`,
    );
  });
});
