import type { Resource } from '../../../report/report.js';
import type { AwsClients } from '../../aws/clients.js';
import { attempt } from '../../facts/attempt.js';
import type { TimeWindow } from '../../investigation-window.js';
import type { GatheredEvidence } from '../resource-specialist.js';
import type { LambdaEvidence } from './evidence.js';
import { fetchCalleeConcurrency } from './facts/callee-concurrency.js';
import { fetchLambdaLogs } from './facts/lambda-logs.js';
import { fetchLambdaMetrics } from './facts/lambda-metrics.js';
import { fetchServedConfig } from './facts/served-config.js';
import { recentChangeOf } from './rules/recent-change.js';
import { scanLogs } from './signals/scan-logs.js';

/**
 * Configuration (of the version the alarm's alias or version serves), metrics and logs of one
 * function, fetched in parallel. Logs start on the default log group at once and are fetched again
 * only when the configuration names another one, so the common case costs one round of calls.
 * The concurrency of a callee the logs show throttled costs one more call.
 */
export async function gatherLambdaEvidence(
  aws: AwsClients,
  { name: functionName, qualifier }: Pick<Resource, 'name' | 'qualifier'>,
  window: TimeWindow,
): Promise<GatheredEvidence<LambdaEvidence>> {
  const defaultLogGroup = `/aws/lambda/${functionName}`;
  // One list per read, joined in a fixed order: the first names the failure when nothing was read.
  const configFailures: unknown[] = [];
  const metricFailures: unknown[] = [];
  let logFailures: unknown[] = [];
  const [{ alias, config }, metrics, defaultLogs] = await Promise.all([
    fetchServedConfig(aws, functionName, qualifier, configFailures),
    attempt(() => fetchLambdaMetrics(aws, { functionName, ...window }), metricFailures),
    attempt(() => fetchLambdaLogs(aws, { logGroup: defaultLogGroup, ...window }), logFailures),
  ]);
  let logs = defaultLogs;
  if (config && config.logGroup !== defaultLogGroup) {
    // A group of its own choosing may be shared: only this function's streams count.
    const { logGroup } = config;
    logFailures = [];
    logs = await attempt(() => fetchLambdaLogs(aws, { logGroup, onlyFunction: functionName, ...window }), logFailures);
  }
  const scan = logs ? { ...scanLogs(logs.lines), truncated: logs.truncated } : null;
  const callees = scan ? await fetchCalleeConcurrency(aws, scan) : undefined;
  const evidence: LambdaEvidence = {
    functionName,
    qualifier: qualifier ?? null,
    alias,
    config,
    recentChange: recentChangeOf(config, alias, window.alarmTime),
    metrics,
    logs: scan,
    ...(callees ? { callees } : {}),
  };
  const failures = [...configFailures, ...metricFailures, ...logFailures];
  return { evidence, failures, nothingRead: evidence.config === null && evidence.logs === null && evidence.metrics === null };
}
