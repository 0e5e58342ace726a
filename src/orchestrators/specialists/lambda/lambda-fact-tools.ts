import { errorMessage } from '../../../platform/errors.js';
import type { Resource } from '../../../report/report.js';
import { defineTool, resourceParameters } from '../../agent-tools/agent-tool.js';
import { EvidenceNotebook } from '../../agent-tools/evidence-notebook.js';
import { FailedReads } from '../../agent-tools/failed-reads.js';
import type { AwsClients } from '../../aws/clients.js';
import type { TimeWindow } from '../../investigation-window.js';
import type { FactToolSet } from '../resource-specialist.js';
import type { LambdaEvidence } from './evidence.js';
import { fetchCalleeConcurrency } from './facts/callee-concurrency.js';
import { fetchLambdaLogs } from './facts/lambda-logs.js';
import { fetchLambdaMetrics } from './facts/lambda-metrics.js';
import { fetchServedConfig } from './facts/served-config.js';
import { recentChangeOf } from './rules/recent-change.js';
import { scanLogs } from './signals/scan-logs.js';
import { configResult, logsResult, metricsResult, servedResult } from './tool-results.js';

/** The argument of every Lambda tool, the lead's delegation included. */
export const FUNCTION_NAME = 'function_name';
const FUNCTION_NAME_PARAMETERS = resourceParameters(FUNCTION_NAME);

const nothingReadYet = (functionName: string): LambdaEvidence => ({ functionName, config: null, logs: null, metrics: null });

/**
 * The raw AWS tools, read-only, over the same fact tools direct uses. The time window and the
 * alias or version are the alarm's, set by code: a model picks the function, never what or when is read.
 */
export function lambdaFactTools(
  aws: AwsClients,
  window: TimeWindow,
  timeoutMs: number,
  resources: readonly Resource[],
): FactToolSet<LambdaEvidence> {
  const notebook = new EvidenceNotebook(nothingReadYet);
  const failed = new FailedReads();
  const tools = [
    defineTool({
      name: 'get_lambda_config',
      description:
        'Lambda configuration of the version the alarm watches: runtime, timeout, memory, concurrency, env var names, recent change',
      parameters: FUNCTION_NAME_PARAMETERS,
      async run({ function_name: name }) {
        const qualifier = resources.find((resource) => resource.type === 'lambda' && resource.name === name)?.qualifier ?? null;
        const failures: unknown[] = [];
        const { alias, config } = await fetchServedConfig(aws, name, qualifier, failures, { timeoutMs });
        failed.set(`config of ${name}`, failures);
        if (!config) throw failures.at(-1);
        const recentChange = recentChangeOf(config, alias, window.alarmTime);
        notebook.record(name, { qualifier, alias, config, recentChange });
        return { ...configResult(config), ...servedResult({ alias, recentChange }), failed_reads: failures.map(errorMessage) };
      },
    }),
    defineTool({
      name: 'get_lambda_logs',
      description: 'Signals found in the function logs around the alarm, with sample lines',
      parameters: FUNCTION_NAME_PARAMETERS,
      async run({ function_name: name }) {
        const ownGroup = `/aws/lambda/${name}`;
        const logGroup = notebook.get(name)?.config?.logGroup ?? ownGroup;
        const onlyFunction = logGroup === ownGroup ? undefined : name;
        const { lines, truncated } = await failed.track(`logs of ${name}`, () =>
          fetchLambdaLogs(aws, { logGroup, onlyFunction, ...window, timeoutMs }),
        );
        const logs = { ...scanLogs(lines), truncated };
        const callees = await fetchCalleeConcurrency(aws, logs, { timeoutMs });
        notebook.record(name, { logs, ...(callees ? { callees } : {}) });
        return logsResult(logs, callees);
      },
    }),
    defineTool({
      name: 'get_lambda_metrics',
      description: 'Errors, throttles, invocations and max duration around the alarm',
      parameters: FUNCTION_NAME_PARAMETERS,
      async run({ function_name: name }) {
        const metrics = await failed.track(`metrics of ${name}`, () =>
          fetchLambdaMetrics(aws, { functionName: name, ...window, timeoutMs }),
        );
        notebook.record(name, { metrics });
        return metricsResult(metrics);
      },
    }),
  ];
  return { tools, read: () => notebook.all(), failures: () => failed.all() };
}
