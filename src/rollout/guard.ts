import { compareOrchestrators, type Comparison } from '../report/comparison.js';
import type { Report } from '../report/report.js';
import { PROMOTION_GATES, verdictFor, type GateResult, type PromotionGates } from '../report/verdict.js';

/**
 * `roll_back`: direct_invocation broke a failure gate. `healthy`: enough results and no failure gate
 * broken (the guard never promotes: that stays a person's decision, made with `compare`).
 * `inconclusive`: too few results of either orchestrator to judge, which is never a reason to act.
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

function inWindow(report: Report, window: GuardWindow): boolean {
  const started = Date.parse(report.started_at);
  return started >= window.from.getTime() && started <= window.to.getTime();
}

/**
 * Argo Rollouts–style analysis of one window: the promotion gates' failure part (compare's own
 * comparison and verdict) over the reports that started inside it, judged only once each
 * orchestrator has the minimum sample compare asks for.
 */
export function evaluateGuard(
  reports: readonly Report[],
  window: GuardWindow,
  currentPercentage: number,
  gates: PromotionGates = PROMOTION_GATES,
): GuardEvaluation {
  const comparison: Comparison = compareOrchestrators(reports.filter((report) => inWindow(report, window)));
  const verdict = verdictFor(comparison, currentPercentage, gates);
  const results = { direct_invocation: comparison.direct_invocation.reports, agent_tools: comparison.agent_tools.reports };
  const base = {
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    results,
    gates: verdict.gates.filter((gate) => gate.kind === 'failure'),
  };
  if (results.direct_invocation < gates.minReports || results.agent_tools < gates.minReports) {
    return {
      ...base,
      outcome: 'inconclusive',
      reasons: [
        `${results.direct_invocation} direct_invocation and ${results.agent_tools} agent_tools results in the window; ` +
          `${gates.minReports} of each are needed to judge`,
      ],
    };
  }
  const broken = base.gates.filter((gate) => gate.status === 'fail');
  if (broken.length > 0) return { ...base, outcome: 'roll_back', reasons: broken.map((gate) => `${gate.gate} gate: ${gate.detail}`) };
  return { ...base, outcome: 'healthy', reasons: base.gates.map((gate) => gate.detail) };
}
