import type { LogSignal } from '../evidence.js';

/**
 * What lifts a throttle depends on the service that throttled (the signal's subject, "SSM
 * GetParameter"): DynamoDB capacity is no cure for an SSM rate limit.
 */
export function throttledServiceAdvice(throttle: LogSignal): string[] {
  const call = throttle.subject;
  const quoted = `(${throttle.detail})`;
  if (call?.startsWith('SSM')) {
    return [
      `${call} throttles the function ${quoted}: cache parameters instead of reading them on every invocation (the AWS Parameters and Secrets Lambda Extension, or Powertools parameters with a max_age), read them together with GetParameters or GetParametersByPath, and if the rate stays high enable Parameter Store higher throughput (aws ssm update-service-setting --setting-id arn:aws:ssm:<region>:<account>:servicesetting/ssm/parameter-store/high-throughput-enabled --setting-value true).`,
    ];
  }
  if (call?.startsWith('Secrets Manager')) {
    return [
      `${call} throttles the function ${quoted}: cache the secret (the AWS Parameters and Secrets Lambda Extension or a client-side cache) instead of reading it on every invocation.`,
    ];
  }
  if (call?.startsWith('DynamoDB')) {
    return [
      `DynamoDB throttles the function ${quoted}: raise the table's capacity (on-demand, or more provisioned throughput with auto scaling) or spread the keys of a hot partition.`,
    ];
  }
  if (call) {
    return [
      `${call} throttles the function ${quoted}: lower the request rate or ask for a higher ${call.split(' ')[0]} quota (Service Quotas).`,
    ];
  }
  return [`A dependency throttles the function ${quoted}: find which one, then lower the request rate or raise its quota or capacity.`];
}
