import type { Comparison } from './comparison.js';
import type { CriticalError } from './critical-errors.js';
import { ORCHESTRATOR_TYPES, type OrchestratorType } from './report.js';

/** The rollout phases of direct_invocation, in percent of investigations. */
export const ROLLOUT_PHASES = [10, 25, 50, 100] as const;

export interface PromotionGates {
  /** Completed-or-failed reports each orchestrator needs before the sample-dependent gates are judged. */
  minReports: number;
  /** direct_invocation's failed / all must stay below this. */
  maxErrorRate: number;
  /** direct_invocation's mean root-cause confidence must reach this and not fall below agent_tools'. */
  minConfidence: number;
  /** 1 − direct p50 / agent_tools p50 of the duration must reach this. */
  minLatencyReduction: number;
  /** 1 − direct mean / agent_tools mean of the total tokens must reach this. */
  minTokenReduction: number;
  /** direct_invocation's mean number of facts per completed investigation must reach this. */
  minFacts: number;
}

export const PROMOTION_GATES: PromotionGates = {
  minReports: 30,
  maxErrorRate: 0.05,
  minConfidence: 0.7,
  minLatencyReduction: 0.5,
  minTokenReduction: 0.6,
  minFacts: 3,
};

export type GateName = 'critical_errors' | 'error_rate' | 'confidence' | 'latency' | 'tokens' | 'facts';
/** A broken `failure` gate rolls back; an unmet `performance` gate holds. */
export type GateKind = 'failure' | 'performance';
export type GateStatus = 'pass' | 'fail' | 'not_judged';

export interface GateResult {
  gate: GateName;
  kind: GateKind;
  status: GateStatus;
  detail: string;
}

export type Decision = 'promote' | 'hold' | 'roll_back';

export interface Verdict {
  decision: Decision;
  current_percentage: number;
  /** The phase to move to; null unless promoting, and null at 100% (fully rolled out). */
  next_percentage: number | null;
  /** `promote to 25%`, `fully rolled out`, `hold at 10%` or `roll back`. */
  headline: string;
  /** What decided it: the broken failure gates, the missing investigations or unmet gates, or every gate passed. */
  reasons: string[];
  /** Investigations each orchestrator still needs before the sample-dependent gates are judged. */
  more_needed: Record<OrchestratorType, number>;
  gates: GateResult[];
}

export function nextPhase(currentPercentage: number): number | null {
  return ROLLOUT_PHASES.find((phase) => phase > currentPercentage) ?? null;
}

const percent = (share: number, digits = 1) => `${(share * 100).toFixed(digits)}%`;
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const grouped = (value: number) => Math.round(value).toLocaleString('en-US');
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
/** Every gate compares its figure as printed, so a verdict never contradicts the numbers beside it. */
const shown = (value: number, digits: number) => Number(value.toFixed(digits));

function gate(name: GateName, kind: GateKind, status: GateStatus, detail: string): GateResult {
  return { gate: name, kind, status, detail };
}

const notJudgedYet = (name: GateName, kind: GateKind, value: string, min: number) =>
  gate(name, kind, 'not_judged', `${value} (not judged before ${min} reports of each orchestrator)`);

function criticalErrorsGate(comparison: Comparison): GateResult {
  const critical = comparison.critical_errors;
  const failed = comparison.direct_invocation.failed;
  if (critical.length === 0) {
    return gate('critical_errors', 'failure', 'pass', `no critical errors (${plural(failed, 'failed direct_invocation report')})`);
  }
  const byKind = (kind: CriticalError['kind']) => critical.filter((error) => error.kind === kind).length;
  const [first] = critical;
  return gate(
    'critical_errors',
    'failure',
    'fail',
    `${plural(critical.length, 'critical error')} (failed where agent_tools completed the same investigation: ` +
      `${byKind('agent_tools_completed')}; unpaired with a non-transient error: ${byKind('not_transient')}), ` +
      `first ${first?.investigation_id}: ${first?.error}`,
  );
}

function errorRateGate(comparison: Comparison, gates: PromotionGates, judged: boolean): GateResult {
  const { failed, reports, error_rate: rate } = comparison.direct_invocation;
  const value = `direct_invocation error rate ${percent(rate ?? 0, 2)} (${failed} of ${reports})`;
  if (!judged) return notJudgedYet('error_rate', 'failure', value, gates.minReports);
  const limit = percent(gates.maxErrorRate, 0);
  return shown((rate ?? 0) * 100, 2) < gates.maxErrorRate * 100
    ? gate('error_rate', 'failure', 'pass', `${value} < ${limit}`)
    : gate('error_rate', 'failure', 'fail', `${value} is not below ${limit}`);
}

function confidenceGate(comparison: Comparison, gates: PromotionGates, sample: JudgedSample): GateResult {
  const direct = comparison.direct_invocation.root_cause_confidence_mean;
  const agent = comparison.agent_tools.root_cause_confidence_mean;
  const value = `direct_invocation mean confidence ${direct === null ? 'none' : fixed(direct)}`;
  if (sample === 'none') {
    return notJudgedYet('confidence', 'failure', `${value} vs agent_tools ${agent === null ? 'none' : fixed(agent)}`, gates.minReports);
  }
  if (direct === null) return gate('confidence', 'failure', 'fail', 'no completed direct_invocation report to take a confidence from');
  if (shown(direct, 2) < gates.minConfidence) {
    return gate('confidence', 'failure', 'fail', `${value} is below ${fixed(gates.minConfidence)}`);
  }
  if (sample === 'direct_only') {
    const { reports } = comparison.agent_tools;
    return gate(
      'confidence',
      'failure',
      'pass',
      `${value} ≥ ${fixed(gates.minConfidence)}; not compared with agent_tools (${plural(reports, 'agent_tools report')}, ${gates.minReports} needed)`,
    );
  }
  if (agent === null) return gate('confidence', 'failure', 'not_judged', `${value}; no completed agent_tools report to compare with`);
  return shown(direct, 2) < shown(agent, 2)
    ? gate('confidence', 'failure', 'fail', `${value} is below agent_tools ${fixed(agent)}`)
    : gate('confidence', 'failure', 'pass', `${value} ≥ ${fixed(gates.minConfidence)} and not below agent_tools ${fixed(agent)}`);
}

/**
 * Whose sample is large enough for the sample-dependent gates: both orchestrators', direct_invocation's
 * alone (its own limits are judged, the comparison with agent_tools is not), or neither's.
 */
export type JudgedSample = 'both' | 'direct_only' | 'none';

/** The gates whose breaking rolls back: critical errors (on any sample), error rate, confidence. */
export function failureGates(comparison: Comparison, sample: JudgedSample, gates: PromotionGates = PROMOTION_GATES): GateResult[] {
  return [criticalErrorsGate(comparison), errorRateGate(comparison, gates, sample !== 'none'), confidenceGate(comparison, gates, sample)];
}

/** A performance gate on "direct needs at least `min` less of something than agent_tools". */
function reductionGate(
  name: GateName,
  comparing: string,
  reduction: number | null,
  min: number,
  judged: boolean,
  minReports: number,
): GateResult {
  const needs = `needs ≥ ${percent(min)}`;
  if (reduction === null) return gate(name, 'performance', 'not_judged', `${comparing}: nothing to compare with`);
  const value = `${comparing}: ${percent(reduction)} ${name === 'latency' ? 'faster' : 'fewer'}`;
  if (!judged) return notJudgedYet(name, 'performance', value, minReports);
  return shown(reduction * 100, 1) >= min * 100
    ? gate(name, 'performance', 'pass', `${value} (${needs})`)
    : gate(name, 'performance', 'fail', `${value}, not yet enough (${needs})`);
}

function latencyGate(comparison: Comparison, gates: PromotionGates, judged: boolean): GateResult {
  const direct = comparison.direct_invocation.duration_seconds?.p50;
  const agent = comparison.agent_tools.duration_seconds?.p50;
  const comparing = `p50 duration ${direct === undefined ? 'none' : `${fixed(direct)} s`} vs agent_tools ${agent === undefined ? 'none' : `${fixed(agent)} s`}`;
  return reductionGate(
    'latency',
    comparing,
    comparison.improvement.duration_p50_reduction,
    gates.minLatencyReduction,
    judged,
    gates.minReports,
  );
}

function tokensGate(comparison: Comparison, gates: PromotionGates, judged: boolean): GateResult {
  const direct = comparison.direct_invocation.total_tokens_mean;
  const agent = comparison.agent_tools.total_tokens_mean;
  const comparing = `mean tokens ${direct === null ? 'none' : grouped(direct)} vs agent_tools ${agent === null ? 'none' : grouped(agent)}`;
  return reductionGate(
    'tokens',
    comparing,
    comparison.improvement.tokens_mean_reduction,
    gates.minTokenReduction,
    judged,
    gates.minReports,
  );
}

function factsGate(comparison: Comparison, gates: PromotionGates, judged: boolean): GateResult {
  const facts = comparison.direct_invocation.facts_mean;
  if (facts === null) return gate('facts', 'performance', 'not_judged', 'no completed direct_invocation report');
  const value = `direct_invocation mean facts ${fixed(facts, 1)}`;
  if (!judged) return notJudgedYet('facts', 'performance', value, gates.minReports);
  return shown(facts, 1) >= gates.minFacts
    ? gate('facts', 'performance', 'pass', `${value} ≥ ${gates.minFacts}`)
    : gate('facts', 'performance', 'fail', `${value}, below ${gates.minFacts}`);
}

function shortfallReason(type: OrchestratorType, missing: number, comparison: Comparison, gates: PromotionGates, current: number): string {
  const reason = `${plural(missing, `more ${type} investigation`)} needed (${comparison[type].reports} of ${gates.minReports})`;
  // At 100% nothing is routed to agent_tools any more: only shadow runs or older reports can pair.
  return type === 'agent_tools' && current === 100 ? `${reason}: at 100% only shadow runs or older report files provide them` : reason;
}

/**
 * The rollout decision for direct_invocation at `currentPercentage`:
 * - `roll back` when a failure gate breaks: any critical error (judged on any sample), or, once both
 *   orchestrators have `minReports` reports, an error rate at or above the limit or a confidence
 *   below the floor or below agent_tools';
 * - `hold` when either orchestrator has fewer than `minReports` reports (saying how many more), or a
 *   performance gate (latency, tokens, facts) is not met or cannot be judged yet (saying which);
 * - else `promote to` the next phase, or `fully rolled out` at 100%.
 */
export function verdictFor(comparison: Comparison, currentPercentage: number, gates: PromotionGates = PROMOTION_GATES): Verdict {
  const more_needed = {
    direct_invocation: Math.max(0, gates.minReports - comparison.direct_invocation.reports),
    agent_tools: Math.max(0, gates.minReports - comparison.agent_tools.reports),
  };
  const judged = more_needed.direct_invocation === 0 && more_needed.agent_tools === 0;
  const results = [
    ...failureGates(comparison, judged ? 'both' : 'none', gates),
    latencyGate(comparison, gates, judged),
    tokensGate(comparison, gates, judged),
    factsGate(comparison, gates, judged),
  ];
  const base = { current_percentage: currentPercentage, more_needed, gates: results };

  const broken = results.filter((result) => result.kind === 'failure' && result.status === 'fail');
  if (broken.length > 0) {
    return { ...base, decision: 'roll_back', next_percentage: null, headline: 'roll back', reasons: broken.map((result) => result.detail) };
  }
  if (!judged) {
    const reasons = ORCHESTRATOR_TYPES.filter((type) => more_needed[type] > 0).map((type) =>
      shortfallReason(type, more_needed[type], comparison, gates, currentPercentage),
    );
    return { ...base, decision: 'hold', next_percentage: null, headline: `hold at ${currentPercentage}%`, reasons };
  }
  const unmet = results.filter((result) => result.status !== 'pass');
  if (unmet.length > 0) {
    const reasons = unmet.map((result) => `${result.gate} gate ${result.status === 'fail' ? 'not met' : 'not judged'}: ${result.detail}`);
    return { ...base, decision: 'hold', next_percentage: null, headline: `hold at ${currentPercentage}%`, reasons };
  }
  const next = nextPhase(currentPercentage);
  return {
    ...base,
    decision: 'promote',
    next_percentage: next,
    headline: next === null ? 'fully rolled out' : `promote to ${next}%`,
    reasons: results.map((result) => result.detail),
  };
}
