import type { Resource, ResourceVia } from '../../../report/report.js';

// Not anchored: an API Gateway integration URI holds the function's ARN inside its own.
const FUNCTION_ARN = /arn:([^:]+):lambda:([^:]*):([^:]*):function:([^:/"]+)/;

/**
 * The function a Lambda ARN names, as found behind another resource (an API integration's URI,
 * an event source mapping, a state machine's task); null when the text names no function.
 */
export function lambdaBehind(text: string, via: ResourceVia): Resource | null {
  const match = FUNCTION_ARN.exec(text);
  if (!match) return null;
  const [, partition, region = '', account, name = ''] = match;
  return { type: 'lambda', name, arn: `arn:${partition}:lambda:${region}:${account}:function:${name}`, ...(region ? { region } : {}), via };
}
