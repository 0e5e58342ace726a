import { defineTool, resourceParameters } from '../../agent-tools/agent-tool.js';
import { EvidenceNotebook } from '../../agent-tools/evidence-notebook.js';
import type { AwsClients } from '../../aws/clients.js';
import type { TimeWindow } from '../../investigation-window.js';
import type { FactToolSet } from '../resource-specialist.js';
import type { LambdaEvidence } from './evidence.js';
import { fetchCalleeConcurrency } from './facts/callee-concurrency.js';
import { fetchLambdaConfig } from './facts/lambda-config.js';
import { fetchLambdaLogs } from './facts/lambda-logs.js';
import { fetchLambdaMetrics } from './facts/lambda-metrics.js';
import { scanLogs } from './signals/scan-logs.js';
import { configResult, logsResult, metricsResult } from './tool-results.js';

/** The argument of every Lambda tool, the lead's delegation included. */
export const FUNCTION_NAME = 'function_name';
const FUNCTION_NAME_PARAMETERS = resourceParameters(FUNCTION_NAME);

const nothingReadYet = (functionName: string): LambdaEvidence => ({ functionName, config: null, logs: null, metrics: null });

/**
 * The raw AWS tools, read-only, over the same fact tools direct uses. The time window is the
 * alarm's, set by code: a model picks the function, never what or when is read.
 */
export function lambdaFactTools(aws: AwsClients, window: TimeWindow, timeoutMs: number): FactToolSet<LambdaEvidence> {
  const notebook = new EvidenceNotebook(nothingReadYet);
  const tools = [
    defineTool({
      name: 'get_lambda_config',
      description: 'Lambda configuration: runtime, timeout, memory, concurrency, env var names',
      parameters: FUNCTION_NAME_PARAMETERS,
      async run({ function_name: name }) {
        const config = await fetchLambdaConfig(aws, name, { timeoutMs });
        notebook.record(name, { config });
        return configResult(config);
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
        const { lines, truncated } = await fetchLambdaLogs(aws, { logGroup, onlyFunction, ...window, timeoutMs });
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
        const metrics = await fetchLambdaMetrics(aws, { functionName: name, ...window, timeoutMs });
        notebook.record(name, { metrics });
        return metricsResult(metrics);
      },
    }),
  ];
  return { tools, read: () => notebook.all() };
}
