import type { AwsClients } from '../../../aws/clients.js';
import { attempt } from '../../../facts/attempt.js';
import type { FactToolOptions } from '../../../facts/fact-call.js';
import type { LambdaAlias, LambdaConfig } from '../evidence.js';
import { fetchLambdaAlias, isVersionQualifier } from './lambda-alias.js';
import { fetchLambdaConfig } from './lambda-config.js';

export interface ServedConfig {
  alias: LambdaAlias | null;
  config: LambdaConfig | null;
}

/**
 * The configuration of the version that serves what the alarm watches: an alias resolved by
 * GetAlias to its version, a named version, or $LATEST. Each failed read is added to `failures`.
 * When GetAlias fails the configuration is read through the alias itself, which AWS resolves as
 * well: only the alias's routing weights are lost, never the version.
 */
export async function fetchServedConfig(
  clients: AwsClients,
  functionName: string,
  qualifier: string | null | undefined,
  failures: unknown[],
  options: FactToolOptions = {},
): Promise<ServedConfig> {
  const alias =
    qualifier && !isVersionQualifier(qualifier)
      ? await attempt(() => fetchLambdaAlias(clients, functionName, qualifier, options), failures)
      : null;
  const version = alias?.functionVersion ?? qualifier ?? undefined;
  const config = await attempt(() => fetchLambdaConfig(clients, functionName, { ...options, qualifier: version, failures }), failures);
  return { alias, config };
}
