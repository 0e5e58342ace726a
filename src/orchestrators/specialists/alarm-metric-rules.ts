import type { NormalizedAlarm } from '../../producer/alarm.js';
import type { Resource, RootCauseType } from '../../report/report.js';
import type { RuleHypothesis } from '../rules/rule-hypothesis.js';
import type { SpecialistInput } from './specialist-input.js';

/** What a metric of the alarm points to, when it is the only evidence there is. */
export interface AlarmMetricRule {
  namespace: string;
  metric: RegExp;
  type: RootCauseType;
  confidence: number;
  /** The hypothesis, naming the resource. */
  explain: (resource: string) => string;
}

/** One hypothesis per root-cause type that the alarm's metrics point to. */
export function alarmMetricHypotheses(alarm: NormalizedAlarm, resource: Resource, rules: readonly AlarmMetricRule[]): RuleHypothesis[] {
  const metrics = [{ namespace: alarm.namespace, metric: alarm.metric }, ...alarm.metrics];
  const hypotheses: RuleHypothesis[] = [];
  for (const { namespace, metric } of metrics) {
    const rule = rules.find((r) => r.namespace === namespace && metric !== null && r.metric.test(metric));
    if (!rule || hypotheses.some((h) => h.type === rule.type)) continue;
    hypotheses.push({
      type: rule.type,
      description: rule.explain(resource.name),
      confidence: rule.confidence,
      evidence: [`alarm ${alarm.name} on ${namespace} ${metric}: ${alarm.reason}`],
    });
  }
  return hypotheses;
}

/**
 * The hypotheses of a specialist that reads nothing of its resources: the alarm's metrics are the
 * only evidence. They point at a kind of cause but prove none, so their rules stay well below the
 * confidence log evidence gives. A specialist judges its own resources by its own rules only: a
 * table is not "backing up" because a queue rule says so.
 */
export function judgeFromAlarmMetrics(rules: readonly AlarmMetricRule[]): (input: SpecialistInput<unknown>) => RuleHypothesis[] {
  return (input) => input.resources.flatMap((resource) => alarmMetricHypotheses(input.alarm, resource, rules));
}

/**
 * The hypotheses of a specialist that reads AWS: its rules over what was read, and for each resource
 * of which the part that matters could not be read, the alarm's metric as the only evidence.
 * `readName` is the name of the resource the evidence is of, or null when its main read failed.
 */
export function judgeReadOrFromAlarmMetrics<Evidence>(
  rules: readonly AlarmMetricRule[],
  judge: (evidence: Evidence) => RuleHypothesis[],
  readName: (evidence: Evidence) => string | null,
): (input: SpecialistInput<Evidence>) => RuleHypothesis[] {
  return ({ alarm, resources, evidence }) => {
    const read = new Set(evidence.map(readName));
    const unread = resources.filter((resource) => !read.has(resource.name));
    return [...evidence.flatMap(judge), ...unread.flatMap((resource) => alarmMetricHypotheses(alarm, resource, rules))];
  };
}
