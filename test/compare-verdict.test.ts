import { describe, expect, it } from 'vitest';
import { compareOrchestrators } from '../src/report/comparison.js';
import type { Report } from '../src/report/report.js';
import { type GateName, nextPhase, verdictFor } from '../src/report/verdict.js';
import { craftReport, craftReports, healthyRollout, spread } from './support/crafted-reports.js';

const judge = (reports: Report[], currentPercentage = 10) => verdictFor(compareOrchestrators(reports), currentPercentage);
const statusOf = (verdict: ReturnType<typeof judge>, gate: GateName) => verdict.gates.find((g) => g.gate === gate)?.status;

describe('promote', () => {
  it('promotes to the next phase when every gate passes, giving each gate as a reason', () => {
    const verdict = judge(healthyRollout(), 10);
    expect(verdict.decision).toBe('promote');
    expect(verdict.headline).toBe('promote to 25%');
    expect(verdict.next_percentage).toBe(25);
    expect(verdict.gates.every((gate) => gate.status === 'pass')).toBe(true);
    expect(verdict.reasons).toHaveLength(6);
    expect(verdict.reasons.join('\n')).toMatch(/80\.0% faster/);
    expect(verdict.reasons.join('\n')).toMatch(/mean tokens 1,500 vs agent_tools 6,000: 75\.0% fewer/);
  });

  it('walks the phases 0 → 10 → 25 → 50 → 100 and says "fully rolled out" at 100%', () => {
    const reports = healthyRollout();
    expect([0, 10, 25, 50, 100].map((current) => judge(reports, current).headline)).toEqual([
      'promote to 10%',
      'promote to 25%',
      'promote to 50%',
      'promote to 100%',
      'fully rolled out',
    ]);
    expect(judge(reports, 30).headline).toBe('promote to 50%');
    expect(nextPhase(100)).toBeNull();
  });
});

describe('hold', () => {
  it('holds with too few investigations and says how many more each orchestrator needs', () => {
    const reports = [
      ...craftReports('direct_invocation', 18, (i) => ({ duration: spread(2, i), tokens: 1_500, facts: 5, confidence: 0.86 })),
      ...craftReports('agent_tools', 29, (i) => ({ duration: spread(10, i), tokens: 6_000, confidence: 0.8 })),
    ];
    const verdict = judge(reports, 10);
    expect(verdict.decision).toBe('hold');
    expect(verdict.headline).toBe('hold at 10%');
    expect(verdict.reasons).toEqual([
      '12 more direct_invocation investigations needed (18 of 30)',
      '1 more agent_tools investigation needed (29 of 30)',
    ]);
    expect(verdict.more_needed).toEqual({ direct_invocation: 12, agent_tools: 1 });
    expect(statusOf(verdict, 'latency')).toBe('not_judged');
  });

  it('holds, naming the gate, when direct_invocation is not yet fast enough', () => {
    const reports = [
      ...craftReports('direct_invocation', 30, (i) => ({ duration: spread(7, i), tokens: 1_500, facts: 5, confidence: 0.86 })),
      ...craftReports('agent_tools', 30, (i) => ({ duration: spread(10, i), tokens: 6_000, confidence: 0.8 })),
    ];
    const verdict = judge(reports, 25);
    expect(verdict.decision).toBe('hold');
    // spread() puts the p50 at 0.96 of the base duration: 6.72 s against 9.60 s.
    expect(verdict.reasons).toEqual([
      'latency gate not met: p50 duration 6.72 s vs agent_tools 9.60 s: 30.0% faster, not yet enough (needs ≥ 50.0%)',
    ]);
  });

  it('holds on too few tokens saved and too few facts, each named', () => {
    const reports = [
      ...craftReports('direct_invocation', 30, (i) => ({ duration: spread(2, i), tokens: 3_000, facts: 2, confidence: 0.86 })),
      ...craftReports('agent_tools', 30, (i) => ({ duration: spread(10, i), tokens: 6_000, confidence: 0.8 })),
    ];
    const verdict = judge(reports, 25);
    expect(verdict.decision).toBe('hold');
    expect(verdict.reasons.map((reason) => reason.split(':')[0])).toEqual(['tokens gate not met', 'facts gate not met']);
    expect(verdict.reasons[0]).toMatch(/50\.0% fewer/);
    expect(verdict.reasons[1]).toMatch(/mean facts 2\.0, below 3/);
  });

  it('at 100% explains that agent_tools reports only come from shadow runs or older files', () => {
    const verdict = judge(
      craftReports('direct_invocation', 40, () => ({ duration: 2, facts: 5, confidence: 0.9 })),
      100,
    );
    expect(verdict.decision).toBe('hold');
    expect(verdict.reasons).toEqual([
      '30 more agent_tools investigations needed (0 of 30): at 100% only shadow runs or older report files provide them',
    ]);
  });
});

describe('roll back', () => {
  it('rolls back on a single critical error even before the sample is large enough', () => {
    const reports = [
      ...craftReports('direct_invocation', 5, () => ({ duration: 2, facts: 5 })),
      craftReport('direct_invocation', {
        id: 'inv-bug',
        status: 'failed',
        error: "TypeError: Cannot read properties of undefined (reading 'FunctionName')",
      }),
      ...craftReports('agent_tools', 5, () => ({ duration: 10 })),
    ];
    const verdict = judge(reports);
    expect(verdict.decision).toBe('roll_back');
    expect(verdict.headline).toBe('roll back');
    expect(verdict.reasons).toHaveLength(1);
    expect(verdict.reasons[0]).toContain('1 critical error');
    expect(verdict.reasons[0]).toContain("inv-bug: TypeError: Cannot read properties of undefined (reading 'FunctionName')");
  });

  it('counts a throttled direct failure as critical when its shadow agent_tools run completed the same investigation', () => {
    const reports = [
      ...healthyRollout(),
      craftReport('direct_invocation', {
        id: 'inv-pair',
        status: 'failed',
        error: 'ThrottlingException: Rate exceeded',
        errorKind: 'transient',
      }),
      craftReport('agent_tools', { id: 'inv-pair', shadow: true, duration: 10, tokens: 6_000 }),
    ];
    const verdict = judge(reports);
    expect(verdict.decision).toBe('roll_back');
    expect(verdict.reasons[0]).toMatch(
      /failed where agent_tools completed the same investigation: 1; unpaired with a non-transient error: 0/,
    );
  });

  it('rolls back on an error rate of 5% or more even when every failure is transient', () => {
    const reports = [
      ...healthyRollout(38, 60),
      craftReport('direct_invocation', { status: 'failed', error: '503 Service Unavailable', errorKind: 'transient' }),
      craftReport('direct_invocation', { status: 'failed', error: 'Request timed out.', errorKind: 'transient' }),
    ];
    const verdict = judge(reports);
    expect(statusOf(verdict, 'critical_errors')).toBe('pass');
    expect(verdict.decision).toBe('roll_back');
    expect(verdict.reasons).toEqual(['direct_invocation error rate 5.00% (2 of 40) is not below 5%']);
  });

  it('keeps an error rate just below 5% and promotes', () => {
    const reports = [
      ...healthyRollout(40, 60),
      craftReport('direct_invocation', { status: 'failed', error: 'Rate exceeded', errorKind: 'transient' }),
    ];
    expect(judge(reports).decision).toBe('promote');
  });

  it('rolls back when the mean confidence is below 0.70', () => {
    const reports = [
      ...craftReports('direct_invocation', 30, (i) => ({ duration: spread(2, i), tokens: 1_000, facts: 5, confidence: 0.62 })),
      ...craftReports('agent_tools', 30, (i) => ({ duration: spread(10, i), tokens: 6_000, confidence: 0.6 })),
    ];
    const verdict = judge(reports);
    expect(verdict.decision).toBe('roll_back');
    expect(verdict.reasons).toEqual(['direct_invocation mean confidence 0.62 is below 0.70']);
  });

  it('rolls back when the mean confidence is above 0.70 but below agent_tools', () => {
    const reports = [
      ...craftReports('direct_invocation', 30, (i) => ({ duration: spread(2, i), tokens: 1_000, facts: 5, confidence: 0.75 })),
      ...craftReports('agent_tools', 30, (i) => ({ duration: spread(10, i), tokens: 6_000, confidence: 0.82 })),
    ];
    const verdict = judge(reports);
    expect(verdict.decision).toBe('roll_back');
    expect(verdict.reasons).toEqual(['direct_invocation mean confidence 0.75 is below agent_tools 0.82']);
  });

  it('compares confidence as printed: 0.7996 is not below 0.8004, both being 0.80', () => {
    const reports = [
      ...craftReports('direct_invocation', 30, (i) => ({ duration: spread(2, i), tokens: 1_000, facts: 5, confidence: 0.7996 })),
      ...craftReports('agent_tools', 30, (i) => ({ duration: spread(10, i), tokens: 6_000, confidence: 0.8004 })),
    ];
    const verdict = judge(reports);
    expect(statusOf(verdict, 'confidence')).toBe('pass');
    expect(verdict.gates.find((gate) => gate.gate === 'confidence')?.detail).toBe(
      'direct_invocation mean confidence 0.80 ≥ 0.70 and not below agent_tools 0.80',
    );
  });

  it('does not judge confidence or error rate on a small sample, only critical errors', () => {
    const reports = [
      craftReport('direct_invocation', { status: 'failed', error: 'Rate exceeded', errorKind: 'transient' }),
      craftReport('direct_invocation', { confidence: 0.3 }),
      ...craftReports('agent_tools', 3),
    ];
    const verdict = judge(reports);
    expect(verdict.decision).toBe('hold');
    expect(statusOf(verdict, 'error_rate')).toBe('not_judged');
    expect(statusOf(verdict, 'confidence')).toBe('not_judged');
  });
});
