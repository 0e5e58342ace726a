import type { AwsClients } from '../../aws/clients.js';
import type { TimeWindow } from '../../investigation-window.js';
import type { GatheredEvidence } from '../resource-specialist.js';
import type { LambdaEvidence } from './evidence.js';
import { fetchCalleeConcurrency } from './facts/callee-concurrency.js';
import { fetchLambdaConfig } from './facts/lambda-config.js';
import { fetchLambdaLogs } from './facts/lambda-logs.js';
import { fetchLambdaMetrics } from './facts/lambda-metrics.js';
import { scanLogs } from './signals/scan-logs.js';

/**
 * Configuration, metrics and logs of one function, fetched in parallel. Logs start on the default
 * log group at once and are fetched again only when the configuration names another one, so the
 * common case costs one round of calls; the concurrency of a callee the logs show throttled, one more.
 */
export async function gatherLambdaEvidence(
  aws: AwsClients,
  functionName: string,
  window: TimeWindow,
): Promise<GatheredEvidence<LambdaEvidence>> {
  const defaultLogGroup = `/aws/lambda/${functionName}`;
  const [config, metrics, defaultLogs] = await Promise.allSettled([
    fetchLambdaConfig(aws, functionName),
    fetchLambdaMetrics(aws, { functionName, ...window }),
    fetchLambdaLogs(aws, { logGroup: defaultLogGroup, ...window }),
  ]);
  let logs = defaultLogs;
  if (config.status === 'fulfilled' && config.value.logGroup !== defaultLogGroup) {
    // A group of its own choosing may be shared: only this function's streams count.
    [logs] = await Promise.allSettled([fetchLambdaLogs(aws, { logGroup: config.value.logGroup, onlyFunction: functionName, ...window })]);
  }
  const scan = logs.status === 'fulfilled' ? { ...scanLogs(logs.value.lines), truncated: logs.value.truncated } : null;
  const callees = scan ? await fetchCalleeConcurrency(aws, scan) : undefined;
  const failures = [config, metrics, logs]
    .filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    .map((result) => result.reason);
  const evidence: LambdaEvidence = {
    functionName,
    config: config.status === 'fulfilled' ? config.value : null,
    metrics: metrics.status === 'fulfilled' ? metrics.value : null,
    logs: scan,
    ...(callees ? { callees } : {}),
  };
  return { evidence, failures, nothingRead: evidence.config === null && evidence.logs === null && evidence.metrics === null };
}
