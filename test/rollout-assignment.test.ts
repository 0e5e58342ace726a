import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/platform/errors.js';
import { assignOrchestrator, bucketFor } from '../src/rollout/assignment.js';
import { rolloutFlagsFromEnv } from '../src/rollout/flags.js';

const ids = Array.from({ length: 2000 }, (_, i) => `inv-${i.toString(16).padStart(24, '0')}`);

describe('bucketFor', () => {
  it('is the first four bytes of SHA-256 read big-endian, mod 100', () => {
    const digest = createHash('sha256').update('inv-abc', 'utf8').digest();
    const expected = ((digest[0]! << 24) >>> 0) + (digest[1]! << 16) + (digest[2]! << 8) + digest[3]!;
    expect(bucketFor('inv-abc')).toBe(expected % 100);
  });

  it('spreads investigation IDs evenly over the 100 buckets', () => {
    const direct = ids.filter((id) => bucketFor(id) < 50).length;
    expect(direct / ids.length).toBeGreaterThan(0.45);
    expect(direct / ids.length).toBeLessThan(0.55);
  });
});

describe('assignOrchestrator', () => {
  it('keeps every investigation that was direct at 10% direct at 25% (monotone buckets)', () => {
    const at10 = ids.filter(
      (id) => assignOrchestrator(id, { useDirect: true, percentage: 10, force: null }).orchestrator_type === 'direct_invocation',
    );
    const at25 = new Set(
      ids.filter(
        (id) => assignOrchestrator(id, { useDirect: true, percentage: 25, force: null }).orchestrator_type === 'direct_invocation',
      ),
    );
    expect(at10.length).toBeGreaterThan(100);
    expect(at25.size).toBeGreaterThan(at10.length);
    for (const id of at10) expect(at25.has(id)).toBe(true);
  });

  it('routes nothing to direct while direct orchestration is disabled, whatever the percentage', () => {
    for (const id of ids.slice(0, 200)) {
      expect(assignOrchestrator(id, { useDirect: false, percentage: 100, force: null }).orchestrator_type).toBe('agent_tools');
    }
  });

  it('lets FORCE win over both flags and says so', () => {
    const forced = assignOrchestrator(ids[0]!, { useDirect: false, percentage: 0, force: 'direct' });
    expect(forced).toMatchObject({ orchestrator_type: 'direct_invocation', source: 'force' });
    const legacy = assignOrchestrator(ids[0]!, { useDirect: true, percentage: 100, force: 'agent_tools' });
    expect(legacy).toMatchObject({ orchestrator_type: 'agent_tools', source: 'force' });
  });
});

describe('rolloutFlagsFromEnv', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(rolloutFlagsFromEnv({})).toEqual({ useDirect: false, percentage: 100, force: null });
  });

  it('reads valid values', () => {
    const env = {
      PROMPTRCA_USE_DIRECT_ORCHESTRATION: 'true',
      PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE: '25',
      PROMPTRCA_FORCE_ORCHESTRATOR: 'agent_tools',
    };
    expect(rolloutFlagsFromEnv(env)).toEqual({ useDirect: true, percentage: 25, force: 'agent_tools' });
  });

  it.each([
    ['PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE', '150', 'a whole number from 0 to 100'],
    ['PROMPTRCA_DIRECT_ORCHESTRATION_PERCENTAGE', '12.5', 'a whole number from 0 to 100'],
    ['PROMPTRCA_USE_DIRECT_ORCHESTRATION', 'yes', 'true or false'],
    ['PROMPTRCA_FORCE_ORCHESTRATOR', 'lambda', 'direct or agent_tools'],
  ])('rejects %s=%s naming the variable, the value and what is allowed', (variable, value, allowed) => {
    const attempt = () => rolloutFlagsFromEnv({ [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`${variable}="${value.replace('.', '\\.')}".*${allowed}`));
  });
});
