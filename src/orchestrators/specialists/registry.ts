import { UnknownResourceTypeError } from '../errors.js';
import { apiGatewaySpecialist } from './apigateway/apigateway-specialist.js';
import { dynamoDbSpecialist } from './dynamodb/dynamodb-specialist.js';
import { lambdaSpecialist } from './lambda/lambda-specialist.js';
import type { AlarmMetricRule, ResourceSpecialist } from './resource-specialist.js';
import { snsSpecialist } from './sns/sns-specialist.js';
import { sqsSpecialist } from './sqs/sqs-specialist.js';
import { stepFunctionsSpecialist } from './stepfunctions/stepfunctions-specialist.js';

/**
 * Every resource type the investigation knows, one specialist each (README.md says how to add
 * one). The order is the agent_tools lead's order of tools and discovery's order of precedence,
 * and the first specialist that advises gives the report's advice.
 */
export const SPECIALISTS: readonly ResourceSpecialist[] = [
  lambdaSpecialist,
  apiGatewaySpecialist,
  dynamoDbSpecialist,
  sqsSpecialist,
  snsSpecialist,
  stepFunctionsSpecialist,
];

/** Every specialist's alarm-metric rules: each specialist judges its resources by all of them. */
export const ALARM_METRIC_RULES: readonly AlarmMetricRule[] = SPECIALISTS.flatMap((specialist) => specialist.alarmMetricRules ?? []);

export function specialistFor(type: string): ResourceSpecialist {
  const specialist = SPECIALISTS.find((candidate) => candidate.type === type);
  if (!specialist) throw new UnknownResourceTypeError(`no specialist in the registry for resource type ${JSON.stringify(type)}`);
  return specialist;
}
