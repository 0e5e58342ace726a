import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { AWS_SERVICES, type AwsClients } from '../../../aws/clients.js';
import { type FactToolOptions, runFactCall } from '../../../facts/fact-call.js';
import type { LambdaAlias } from '../evidence.js';

/** A qualifier that names a version rather than an alias: AWS numbers published versions. */
export function isVersionQualifier(qualifier: string): boolean {
  return qualifier === '$LATEST' || /^\d+$/.test(qualifier);
}

/** GetAlias: which version an alias serves, and which others a weighted alias also routes to. */
export async function fetchLambdaAlias(
  clients: AwsClients,
  functionName: string,
  alias: string,
  options: FactToolOptions = {},
): Promise<LambdaAlias> {
  const answer = await runFactCall(
    { service: AWS_SERVICES.lambda.name, command: 'GetAlias', timeoutMs: options.timeoutMs },
    (sendOptions) => clients.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }), sendOptions),
  );
  return {
    name: answer.Name ?? alias,
    functionVersion: answer.FunctionVersion ?? '$LATEST',
    additionalVersionWeights: { ...answer.RoutingConfig?.AdditionalVersionWeights },
  };
}
