import { InputError } from '../platform/errors.js';
import type { NormalizedAlarm } from './alarm.js';
import { boundAlarmName } from './alarm-text.js';

const REGION_CODE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Stands in for an alarm when an operator asks to investigate a function by name (`--function-name`). */
export function manualAlarm(functionName: string, region: string, now: Date = new Date()): NormalizedAlarm {
  const name = boundAlarmName(functionName.trim());
  if (name === '') {
    throw new InputError('function name is empty: give a Lambda function name or ARN, e.g. --function-name my-function');
  }
  if (!REGION_CODE.test(region)) {
    throw new InputError(`region ${JSON.stringify(region)} is not an AWS region code: expected one such as us-east-1`);
  }
  return {
    name: `manual:${name}`,
    arn: null,
    state: 'ALARM',
    previous_state: null,
    reason: 'manual investigation',
    region,
    account: null,
    namespace: 'AWS/Lambda',
    metric: null,
    dimensions: { FunctionName: name },
    time: now.toISOString(),
    format: 'manual',
    children: [],
    metrics: [],
  };
}
