import { type FunctionConfiguration, GetFunctionConcurrencyCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { errorMessage } from '../../../../platform/errors.js';
import { AWS_SERVICES, type AwsClients } from '../../../aws/clients.js';
import { attempt } from '../../../facts/attempt.js';
import { type FactToolOptions, runFactCall } from '../../../facts/fact-call.js';
import type { LambdaConfig } from '../evidence.js';

export interface LambdaConfigOptions extends FactToolOptions {
  /** The published version or alias to read (`7`, `live`). @defaultValue none: the unqualified function ($LATEST) */
  qualifier?: string;
  /**
   * Where a failed GetFunctionConcurrency is added: it costs the reserved concurrency (then
   * `reservedConcurrencyUnread`), not the configuration.
   * @defaultValue none: the failure shows in `reservedConcurrencyUnread` only
   */
  failures?: unknown[];
}

function toLambdaConfig(configuration: FunctionConfiguration, requestedName: string): Omit<LambdaConfig, 'reservedConcurrency'> {
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
    version: configuration.Version ?? null,
    codeSha256: configuration.CodeSha256 ?? null,
    environmentVariableNames: Object.keys(configuration.Environment?.Variables ?? {}).sort(),
    logGroup: configuration.LoggingConfig?.LogGroup || `/aws/lambda/${functionName}`,
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

/**
 * GetFunctionConfiguration of the version asked for (+ GetFunctionConcurrency) as plain data;
 * environment values never leave here.
 */
export async function fetchLambdaConfig(
  clients: AwsClients,
  functionName: string,
  options: LambdaConfigOptions = {},
): Promise<LambdaConfig> {
  const concurrencyFailures: unknown[] = [];
  const [configuration, reservedConcurrency] = await Promise.all([
    runFactCall({ service: AWS_SERVICES.lambda.name, command: 'GetFunctionConfiguration', timeoutMs: options.timeoutMs }, (sendOptions) =>
      clients.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: functionName, ...(options.qualifier ? { Qualifier: options.qualifier } : {}) }),
        sendOptions,
      ),
    ),
    attempt(() => readReservedConcurrency(clients, functionName, options.timeoutMs), concurrencyFailures),
  ]);
  options.failures?.push(...concurrencyFailures);
  const [unread] = concurrencyFailures;
  return {
    ...toLambdaConfig(configuration, functionName),
    reservedConcurrency,
    ...(unread === undefined ? {} : { reservedConcurrencyUnread: errorMessage(unread) }),
  };
}
