import type { ResourceType } from '../../report/report.js';
import { lambdaHypotheses } from './lambda/rules/lambda-rules.js';
import { alarmMetricHypotheses } from './alarm-metric-rules.js';
import { ruleSpecialist } from './rule-specialist.js';
import type { Specialist } from './specialist.js';

const lambdaSpecialist = ruleSpecialist('lambda', (input) => input.lambdaEvidence.flatMap(lambdaHypotheses));

/** Lambda reads logs, configuration and metrics; other types judge from the alarm's metric. */
export function specialistFor(resourceType: ResourceType): Specialist {
  if (resourceType === 'lambda') return lambdaSpecialist;
  return ruleSpecialist(resourceType, (input) =>
    input.resources.flatMap((resource) => alarmMetricHypotheses(input.alarm, resource)),
  );
}
