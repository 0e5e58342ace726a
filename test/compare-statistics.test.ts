import { describe, expect, it } from 'vitest';
import { compareOrchestrators, percentile } from '../src/report/comparison.js';
import { criticalErrors } from '../src/report/critical-errors.js';
import { craftReport, craftReports } from './support/crafted-reports.js';

describe('per-orchestrator statistics', () => {
  it('takes nearest-rank percentiles, so p50 and p95 are durations that were observed', () => {
    const durations = Array.from({ length: 20 }, (_, index) => index + 1);
    expect(percentile(durations, 0.5)).toBe(10);
    expect(percentile(durations, 0.95)).toBe(19);
    expect(percentile([4.2], 0.95)).toBe(4.2);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('counts failures in the error rate but leaves them out of duration, tokens, confidence and facts', () => {
    const reports = [
      ...craftReports('direct_invocation', 4, (i) => ({
        duration: [1, 2, 3, 10][i],
        tokens: 1_000 * (i + 1),
        llmCalls: 4,
        confidence: 0.8,
        facts: 4,
        hypotheses: 2,
      })),
      craftReport('direct_invocation', { status: 'failed', duration: 0, facts: 0, hypotheses: 0 }),
    ];
    const stats = compareOrchestrators(reports).direct_invocation;
    expect(stats).toMatchObject({ reports: 5, completed: 4, failed: 1, error_rate: 0.2 });
    expect(stats.duration_seconds).toEqual({ p50: 2, p95: 10, mean: 4 });
    expect(stats.total_tokens_mean).toBe(2_500);
    expect(stats.prompt_tokens_mean! + stats.completion_tokens_mean!).toBe(2_500);
    expect(stats.llm_calls_mean).toBe(4);
    expect(stats.root_cause_confidence_mean).toBeCloseTo(0.8);
    expect(stats.facts_mean).toBe(4);
    expect(stats.hypotheses_mean).toBe(2);
  });

  it('gives no numbers, not zeros, for an orchestrator without reports', () => {
    const stats = compareOrchestrators(craftReports('agent_tools', 3)).direct_invocation;
    expect(stats).toMatchObject({
      reports: 0,
      error_rate: null,
      duration_seconds: null,
      total_tokens_mean: null,
      root_cause_confidence_mean: null,
    });
  });
});

describe('improvement of direct_invocation over agent_tools', () => {
  it('reports the reductions, the speed-up and the differences', () => {
    const reports = [
      ...craftReports('direct_invocation', 3, () => ({ duration: 2, tokens: 1_500, llmCalls: 4, confidence: 0.9, facts: 6 })),
      ...craftReports('agent_tools', 3, () => ({ duration: 8, tokens: 6_000, llmCalls: 16, confidence: 0.8, facts: 4 })),
    ];
    const { improvement } = compareOrchestrators(reports);
    expect(improvement.duration_p50_reduction).toBeCloseTo(0.75);
    expect(improvement.duration_mean_reduction).toBeCloseTo(0.75);
    expect(improvement.speedup_p50).toBeCloseTo(4);
    expect(improvement.tokens_mean_reduction).toBeCloseTo(0.75);
    expect(improvement.llm_calls_mean_reduction).toBeCloseTo(0.75);
    expect(improvement.confidence_mean_delta).toBeCloseTo(0.1);
    expect(improvement.facts_mean_delta).toBeCloseTo(2);
  });

  it('shows a slower direct_invocation as a negative reduction', () => {
    const reports = [craftReport('direct_invocation', { duration: 12 }), craftReport('agent_tools', { duration: 8 })];
    expect(compareOrchestrators(reports).improvement.duration_p50_reduction).toBeCloseTo(-0.5);
  });

  it('has no token reduction when agent_tools used no tokens (nothing to reduce)', () => {
    const reports = [craftReport('direct_invocation', { tokens: 0 }), craftReport('agent_tools', { tokens: 0 })];
    expect(compareOrchestrators(reports).improvement.tokens_mean_reduction).toBeNull();
  });
});

describe('shadow reports and pairs', () => {
  it('counts shadow reports and investigations seen by both orchestrators', () => {
    const reports = [
      craftReport('direct_invocation', { id: 'a' }),
      craftReport('agent_tools', { id: 'a', shadow: true }),
      craftReport('agent_tools', { id: 'b' }),
      craftReport('direct_invocation', { id: 'b', shadow: true }),
      craftReport('direct_invocation', { id: 'c' }),
    ];
    const comparison = compareOrchestrators(reports);
    expect(comparison.pairs).toBe(2);
    expect(comparison.shadow_reports).toBe(2);
    expect(comparison.direct_invocation.shadow).toBe(1);
    expect(comparison.direct_invocation.reports).toBe(3);
  });
});

describe('critical errors', () => {
  it('judges an unpaired failure by the kind stored beside its message, never by the wording', () => {
    const { error_kind: _absent, ...written_before_error_kind } = craftReport('direct_invocation', {
      id: 'k4',
      status: 'failed',
      error: 'Rate exceeded',
    });
    const reports = [
      craftReport('direct_invocation', {
        id: 'k1',
        status: 'failed',
        error: 'TypeError: Cannot read properties of undefined',
        errorKind: 'transient',
      }),
      craftReport('direct_invocation', { id: 'k2', status: 'failed', error: 'ThrottlingException: Rate exceeded', errorKind: 'permanent' }),
      craftReport('direct_invocation', { id: 'k3', status: 'failed', error: 'anything', errorKind: 'malformed_job' }),
      written_before_error_kind,
    ];
    expect(criticalErrors(reports).map((error) => error.investigation_id)).toEqual(['k2', 'k3', 'k4']);
  });

  it('blames direct_invocation when agent_tools completed the same investigation, whatever the error', () => {
    const reports = [
      craftReport('direct_invocation', { id: 'p1', status: 'failed', error: 'Rate exceeded', errorKind: 'transient' }),
      craftReport('agent_tools', { id: 'p1', shadow: true }),
    ];
    expect(criticalErrors(reports)).toEqual([{ investigation_id: 'p1', error: 'Rate exceeded', kind: 'agent_tools_completed' }]);
  });

  it('does not blame direct_invocation when agent_tools failed the same investigation too', () => {
    const reports = [
      craftReport('direct_invocation', { id: 'p2', status: 'failed', error: 'TypeError: boom' }),
      craftReport('agent_tools', { id: 'p2', status: 'failed', shadow: true }),
    ];
    expect(criticalErrors(reports)).toEqual([]);
  });

  it('blames an unpaired failure unless its error is transient, and never agent_tools failures', () => {
    const reports = [
      craftReport('direct_invocation', { id: 'u1', status: 'failed', error: '500 Internal Server Error', errorKind: 'transient' }),
      craftReport('direct_invocation', { id: 'u2', status: 'failed', error: "Cannot find module 'handler'" }),
      craftReport('agent_tools', { id: 'u3', status: 'failed', error: "Cannot find module 'handler'" }),
    ];
    expect(criticalErrors(reports)).toEqual([{ investigation_id: 'u2', error: "Cannot find module 'handler'", kind: 'not_transient' }]);
  });
});
