import { UnknownResourceTypeError } from '../errors.js';
import { apiGatewaySpecialist } from './apigateway/apigateway-specialist.js';
import { dynamoDbSpecialist } from './dynamodb/dynamodb-specialist.js';
import { lambdaSpecialist } from './lambda/lambda-specialist.js';
import type { ResourceSpecialist } from './resource-specialist.js';
import { snsSpecialist } from './sns/sns-specialist.js';
import { sqsSpecialist } from './sqs/sqs-specialist.js';
import { stepFunctionsSpecialist } from './stepfunctions/stepfunctions-specialist.js';

/**
 * Every resource type the investigation knows, one specialist each (README.md says how to add
 * one). The order is the agent_tools lead's order of tools and discovery's order of precedence,
 * and with nothing read the first specialist that advises says what to check.
 */
export const SPECIALISTS: readonly ResourceSpecialist[] = [
  lambdaSpecialist,
  apiGatewaySpecialist,
  dynamoDbSpecialist,
  sqsSpecialist,
  snsSpecialist,
  stepFunctionsSpecialist,
];

export function specialistFor(type: string): ResourceSpecialist {
  const specialist = SPECIALISTS.find((candidate) => candidate.type === type);
  if (!specialist) throw new UnknownResourceTypeError(`no specialist in the registry for resource type ${JSON.stringify(type)}`);
  return specialist;
}
