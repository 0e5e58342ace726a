import { type FunctionConfiguration, GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { errorMessage } from '../../../../platform/errors.js';
import { logger } from '../../../../platform/log.js';
import { AWS_SERVICES, type AwsClients } from '../../../aws/clients.js';
import { type FactToolOptions, runFactCall } from '../../../facts/fact-call.js';
import type { LambdaConfig } from '../evidence.js';

function toLambdaConfig(configuration: FunctionConfiguration, requestedName: string, reservedConcurrency: number | null): LambdaConfig {
  const functionName = configuration.FunctionName ?? requestedName;
  return {
    functionName,
    functionArn: configuration.FunctionArn ?? null,
    runtime: configuration.Runtime ?? null,
    handler: configuration.Handler ?? null,
    timeoutSeconds: configuration.Timeout ?? null,
    memoryMb: configuration.MemorySize ?? null,
    role: configuration.Role ?? null,
    lastModified: configuration.LastModified ?? null,
    environmentVariableNames: Object.keys(configuration.Environment?.Variables ?? {}).sort(),
    logGroup: configuration.LoggingConfig?.LogGroup || `/aws/lambda/${functionName}`,
    reservedConcurrency,
    state: configuration.State ?? null,
    lastUpdateStatus: configuration.LastUpdateStatus ?? null,
  };
}

/** GetFunctionConcurrency: the function's reserved concurrency, null when it has none. */
export async function readReservedConcurrency(
  clients: AwsClients,
  functionName: string,
  timeoutMs: number | undefined,
): Promise<number | null> {
  const answer = await runFactCall({ service: AWS_SERVICES.lambda.name, command: 'GetFunctionConcurrency', timeoutMs }, (options) =>
    clients.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: functionName }), options),
  );
  return answer.ReservedConcurrentExecutions ?? null;
}

// Reserved concurrency only sharpens a throttling diagnosis, so its failure costs that, not the config.
async function fetchReservedConcurrency(clients: AwsClients, functionName: string, timeoutMs: number | undefined): Promise<number | null> {
  try {
    return await readReservedConcurrency(clients, functionName, timeoutMs);
  } catch (error) {
    logger.warn(`Reserved concurrency of ${functionName} unknown: ${errorMessage(error)}`);
    return null;
  }
}

/** GetFunctionConfiguration (+ GetFunctionConcurrency) as plain data; environment values never leave here. */
export async function fetchLambdaConfig(clients: AwsClients, functionName: string, options: FactToolOptions = {}): Promise<LambdaConfig> {
  const [configuration, reservedConcurrency] = await Promise.all([
    runFactCall({ service: AWS_SERVICES.lambda.name, command: 'GetFunctionConfiguration', timeoutMs: options.timeoutMs }, (sendOptions) =>
      clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }), sendOptions),
    ),
    fetchReservedConcurrency(clients, functionName, options.timeoutMs),
  ]);
  return toLambdaConfig(configuration, functionName, reservedConcurrency);
}
