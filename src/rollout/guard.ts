import type { ComparedReport } from '../report/compared-report.js';
import { type Comparison, compareOrchestrators } from '../report/comparison.js';
import { failureGates, type GateResult, PROMOTION_GATES, type PromotionGates } from '../report/verdict.js';

/**
 * `roll_back`: direct_invocation broke a failure gate. `healthy`: enough results and no failure gate
 * broken (the guard never promotes: that stays a person's decision, made with `compare`).
 * `inconclusive`: too few direct_invocation results to judge, which is never a reason to act.
 */
export type GuardOutcome = 'roll_back' | 'healthy' | 'inconclusive';

export interface GuardWindow {
  from: Date;
  to: Date;
}

export interface GuardEvaluation {
  outcome: GuardOutcome;
  window: { from: string; to: string };
  results: { direct_invocation: number; agent_tools: number };
  /** The broken gates with their figures, what is missing, or what passed. */
  reasons: string[];
  /** The failure gates only: critical errors, error rate, confidence. */
  gates: GateResult[];
}

function inWindow(report: ComparedReport, window: GuardWindow): boolean {
  const started = Date.parse(report.started_at);
  return started >= window.from.getTime() && started <= window.to.getTime();
}

/**
 * Argo Rollouts–style analysis of one window: compare's failure gates over the reports that started
 * inside it. Too few results is inconclusive, never a rollback: nothing is judged before
 * direct_invocation has the minimum sample compare asks for. With that sample and fewer agent_tools
 * results (at 100% direct only shadow runs reach agent_tools), direct_invocation is judged on its own
 * limits (critical errors, error rate, confidence floor) and only the comparison with agent_tools is
 * skipped.
 */
export function evaluateGuard(
  reports: readonly ComparedReport[],
  window: GuardWindow,
  gates: PromotionGates = PROMOTION_GATES,
): GuardEvaluation {
  const comparison: Comparison = compareOrchestrators(reports.filter((report) => inWindow(report, window)));
  const results = { direct_invocation: comparison.direct_invocation.reports, agent_tools: comparison.agent_tools.reports };
  const base = { window: { from: window.from.toISOString(), to: window.to.toISOString() }, results };
  if (results.direct_invocation < gates.minReports) {
    return {
      ...base,
      gates: failureGates(comparison, 'none', gates),
      outcome: 'inconclusive',
      reasons: [
        `${results.direct_invocation} direct_invocation results in the window (and ${results.agent_tools} agent_tools); ` +
          `${gates.minReports} direct_invocation results are needed to judge`,
      ],
    };
  }
  const sample = results.agent_tools < gates.minReports ? 'direct_only' : 'both';
  const judged = failureGates(comparison, sample, gates);
  const evaluation = { ...base, gates: judged };
  const broken = judged.filter((gate) => gate.status === 'fail');
  if (broken.length > 0) return { ...evaluation, outcome: 'roll_back', reasons: broken.map((gate) => `${gate.gate} gate: ${gate.detail}`) };
  const skipped =
    sample === 'direct_only'
      ? [
          `only ${results.agent_tools} agent_tools results (${gates.minReports} needed): direct_invocation judged on its own limits, not against agent_tools`,
        ]
      : [];
  return { ...evaluation, outcome: 'healthy', reasons: [...judged.map((gate) => gate.detail), ...skipped] };
}
