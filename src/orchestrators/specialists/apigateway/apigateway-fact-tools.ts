import { type PartRead, partFactTools } from '../part-fact-tools.js';
import type { ApiGatewayEvidence } from './apigateway-evidence.js';
import { apiGatewayFacts } from './apigateway-rules.js';
import { emptyApiEvidence, httpApiName, httpIntegrations, restApiId, restIntegrations, restStage, withTimeouts } from './read-api.js';

/** The argument of every API Gateway tool, the lead's delegation included. */
export const API_NAME = 'api_name';

/** A REST API's ID read before, or GetRestApis (answered once per investigation). */
const restIdOf = async ({ aws, resource, known }: PartRead<ApiGatewayEvidence>): Promise<string> =>
  known.apiId ?? restApiId(aws, resource.name);

/** The API, its integrations with their functions' timeouts, and its stage, each a tool of the API Gateway specialist. */
export const apiGatewayFactTools = partFactTools<ApiGatewayEvidence>({
  type: 'apigateway',
  parameter: API_NAME,
  empty: emptyApiEvidence,
  facts: apiGatewayFacts,
  tools: [
    {
      name: 'get_api',
      description: 'API Gateway REST or HTTP API: its name and ID',
      read: async (input) =>
        input.known.kind === 'http' ? { apiName: await httpApiName(input.aws, input.resource.name) } : { apiId: await restIdOf(input) },
      result: ({ apiName, apiId, kind }) => ({ api: apiName, id: apiId, kind }),
    },
    {
      name: 'get_integrations',
      description: "API Gateway integrations, their Lambda functions and the functions' timeouts against the integration timeout",
      async read(input) {
        const { aws, known, failures } = input;
        if (known.kind === 'http')
          return { integrations: await withTimeouts(aws, await httpIntegrations(aws, input.resource.name), failures) };
        const apiId = await restIdOf(input);
        return { apiId, integrations: await withTimeouts(aws, await restIntegrations(aws, apiId), failures) };
      },
    },
    {
      name: 'get_stage',
      description: 'API Gateway stage the alarm names: its execution logging and what the execution log says around the alarm',
      async read(input) {
        const { aws, known, window, failures } = input;
        // HTTP APIs keep no execution log to read, and without a stage there is none to choose.
        if (known.kind === 'http' || !known.stage) return {};
        const apiId = await restIdOf(input);
        return { apiId, ...(await restStage(aws, apiId, known.stage, window, failures)) };
      },
      result: (evidence) =>
        evidence.kind === 'rest' && evidence.stage
          ? { facts: apiGatewayFacts(evidence).map((fact) => fact.content) }
          : {
              stage: evidence.stage,
              execution_log: evidence.kind === 'http' ? 'HTTP APIs write no execution log' : 'the alarm names no stage',
            },
    },
  ],
});
