import type { Resource, ResourceVia } from '../../../report/report.js';

// Not anchored: an API Gateway integration URI holds the function's ARN inside its own.
const FUNCTION_ARN = /arn:([^:]+):lambda:([^:]*):([^:]*):function:([^:/"]+)(?::([^:/"]+))?/;

/**
 * The alias or version a reference names beside the function (`live` in `orders:live`), when it
 * names one: `$LATEST` is what the unqualified function runs anyway.
 */
export function withQualifier<R extends object>(resource: R, qualifier: string | undefined): R & { qualifier?: string } {
  return qualifier && qualifier !== '$LATEST' ? { ...resource, qualifier } : resource;
}

/** A function's ARN, qualified with its alias or version when it has one. */
export function functionArn(partition: string, region: string, account: string, name: string, qualifier?: string): string {
  return `arn:${partition}:lambda:${region}:${account}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/**
 * The function a Lambda ARN names, as found behind another resource (an API integration's URI,
 * an event source mapping, a state machine's task), with the alias or version it names; null when
 * the text names no function.
 */
export function lambdaBehind(text: string, via: ResourceVia): Resource | null {
  const match = FUNCTION_ARN.exec(text);
  if (!match) return null;
  const [, partition = '', region = '', account = '', name = '', qualifier] = match;
  const found = withQualifier({ type: 'lambda', name, ...(region ? { region } : {}), via }, qualifier);
  return { ...found, arn: functionArn(partition, region, account, name, found.qualifier) };
}
