import type { NormalizedAlarm } from '../producer/alarm.js';
import type { Fact } from '../report/report.js';
import type { SpecialistEvidence } from './specialists/resource-specialist.js';

function alarmFact(alarm: NormalizedAlarm): Fact {
  return {
    source: 'cloudwatch.alarm',
    content: `${alarm.name} went ${alarm.state} at ${alarm.time}: ${alarm.reason}`,
    confidence: 1,
    metadata: { namespace: alarm.namespace, metric: alarm.metric, dimensions: alarm.dimensions },
  };
}

/** The report's facts: the alarm's, then each resource's as its specialist tells them. */
export function investigationFacts(alarm: NormalizedAlarm, evidence: readonly SpecialistEvidence[]): Fact[] {
  return [alarmFact(alarm), ...evidence.flatMap((read) => read.specialist.evidence?.facts(read.evidence) ?? [])];
}
