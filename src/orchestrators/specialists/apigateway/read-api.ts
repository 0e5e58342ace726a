import type { Resource as RestResource } from '@aws-sdk/client-api-gateway';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import type { Resource } from '../../../report/report.js';
import { AWS_SERVICES, type AwsClients } from '../../aws/clients.js';
import { FactToolError } from '../../errors.js';
import { attempt } from '../../facts/attempt.js';
import { runFactCall } from '../../facts/fact-call.js';
import type { TimeWindow } from '../../investigation-window.js';
import { fetchLambdaLogs } from '../lambda/facts/lambda-logs.js';
import { lambdaBehind } from '../lambda/lambda-resource.js';
import type { GatheredEvidence } from '../resource-specialist.js';
import type { ApiGatewayEvidence, ApiIntegration } from './apigateway-evidence.js';
import { scanExecutionLog } from './execution-log.js';

const REST = AWS_SERVICES.apiGateway.name;
const HTTP = AWS_SERVICES.apiGatewayV2.name;
/** Integrations read per API: enough for any API whose alarm names no method, bounded for huge ones. */
const MAX_METHODS = 20;
const PAGE = 500;

// The API Gateway packages are imported on first use, as their clients are (aws/clients.ts): most
// investigations read no API.

/** GetRestApis, page by page: the ID of the REST API of that name. */
export async function restApiId(aws: AwsClients, name: string): Promise<string> {
  const { GetRestApisCommand } = await import('@aws-sdk/client-api-gateway');
  let position: string | undefined;
  do {
    const page = await runFactCall({ service: REST, command: 'GetRestApis' }, (options) =>
      aws.apiGateway.send(new GetRestApisCommand({ limit: PAGE, position }), options),
    );
    const found = page.items?.find((api) => api.name === name);
    if (found?.id) return found.id;
    position = page.position;
  } while (position);
  throw new FactToolError(REST, 'GetRestApis', 'NotFoundException', `no REST API named ${name}`);
}

function methodsOf(resources: readonly RestResource[]): Array<{ resourceId: string; path: string; httpMethod: string }> {
  return resources
    .flatMap((resource) =>
      Object.keys(resource.resourceMethods ?? {})
        .filter((method) => method !== 'OPTIONS')
        .map((httpMethod) => ({ resourceId: resource.id ?? '', path: resource.path ?? '', httpMethod })),
    )
    .slice(0, MAX_METHODS);
}

async function functionTimeout(aws: AwsClients, functionArn: string | null): Promise<number | null> {
  if (!functionArn) return null;
  const target = lambdaBehind(functionArn, 'api integration');
  // An integration on an alias or version runs that version's timeout.
  const answer = await runFactCall({ service: AWS_SERVICES.lambda.name, command: 'GetFunctionConfiguration' }, (options) =>
    aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: target?.name, Qualifier: target?.qualifier }), options),
  );
  return answer.Timeout ?? null;
}

function functionOf(uri: string | undefined): string | null {
  return uri ? (lambdaBehind(uri, 'api integration')?.arn ?? null) : null;
}

/** Each Lambda integration's timeout (GetFunctionConfiguration); one that fails is left unknown, its error in `failures`. */
export async function withTimeouts(aws: AwsClients, integrations: ApiIntegration[], failures: unknown[]): Promise<ApiIntegration[]> {
  return Promise.all(
    integrations.map(async (integration) => ({
      ...integration,
      functionTimeoutSeconds: await attempt(() => functionTimeout(aws, integration.functionArn), failures),
    })),
  );
}

/** GetResources, then GetIntegration of each method (bounded). */
export async function restIntegrations(aws: AwsClients, restApiId: string): Promise<ApiIntegration[]> {
  const { GetIntegrationCommand, GetResourcesCommand } = await import('@aws-sdk/client-api-gateway');
  const resources = await runFactCall({ service: REST, command: 'GetResources' }, (options) =>
    aws.apiGateway.send(new GetResourcesCommand({ restApiId, limit: PAGE }), options),
  );
  return Promise.all(
    methodsOf(resources.items ?? []).map(async ({ resourceId, path, httpMethod }): Promise<ApiIntegration> => {
      const integration = await runFactCall({ service: REST, command: 'GetIntegration' }, (options) =>
        aws.apiGateway.send(new GetIntegrationCommand({ restApiId, resourceId, httpMethod }), options),
      );
      return {
        route: `${httpMethod} ${path}`,
        type: integration.type ?? null,
        functionArn: functionOf(integration.uri),
        timeoutMs: integration.timeoutInMillis ?? null,
        functionTimeoutSeconds: null,
      };
    }),
  );
}

/**
 * GetStage, and the stage's execution logs when it writes them: a log read that fails leaves the log
 * unknown, its error in `failures`.
 */
export async function restStage(
  aws: AwsClients,
  restApiId: string,
  stage: string,
  window: TimeWindow,
  failures: unknown[],
): Promise<Pick<ApiGatewayEvidence, 'executionLogging' | 'executionLog'>> {
  const { GetStageCommand } = await import('@aws-sdk/client-api-gateway');
  const settings = await runFactCall({ service: REST, command: 'GetStage' }, (options) =>
    aws.apiGateway.send(new GetStageCommand({ restApiId, stageName: stage }), options),
  );
  const logging = settings.methodSettings?.['*/*']?.loggingLevel ?? null;
  if (!logging || logging === 'OFF') return { executionLogging: logging, executionLog: null };
  const logGroup = `API-Gateway-Execution-Logs_${restApiId}/${stage}`;
  const logs = await attempt(() => fetchLambdaLogs(aws, { logGroup, ...window }), failures);
  return { executionLogging: logging, executionLog: logs ? scanExecutionLog(logs.lines.map((line) => line.message)) : null };
}

/** A REST API's evidence before anything is read, or an HTTP API's, known by its ID. */
export function emptyApiEvidence(resource: Resource): ApiGatewayEvidence {
  const http = isHttpApi(resource);
  return {
    apiName: resource.name,
    kind: http ? 'http' : 'rest',
    apiId: http ? resource.name : null,
    stage: resource.qualifier ?? null,
    integrations: null,
    executionLogging: null,
    executionLog: null,
  };
}

async function readRestApi(aws: AwsClients, resource: Resource, window: TimeWindow, failures: unknown[]): Promise<ApiGatewayEvidence> {
  const evidence = emptyApiEvidence(resource);
  const { stage } = evidence;
  const id = await attempt(() => restApiId(aws, resource.name), failures);
  if (!id) return evidence;
  evidence.apiId = id;
  const [integrations, stageRead] = await Promise.all([
    attempt(() => restIntegrations(aws, id), failures),
    stage ? attempt(() => restStage(aws, id, stage, window, failures), failures) : null,
  ]);
  evidence.integrations = integrations ? await withTimeouts(aws, integrations, failures) : null;
  return stageRead ? { ...evidence, ...stageRead } : evidence;
}

/** GetApi: the HTTP API's name, shown beside its ID. */
export async function httpApiName(aws: AwsClients, apiId: string): Promise<string> {
  const { GetApiCommand } = await import('@aws-sdk/client-apigatewayv2');
  const api = await runFactCall({ service: HTTP, command: 'GetApi' }, (options) =>
    aws.apiGatewayV2.send(new GetApiCommand({ ApiId: apiId }), options),
  );
  return api.Name ? `${api.Name} (${apiId})` : apiId;
}

/** GetIntegrations of an HTTP API. */
export async function httpIntegrations(aws: AwsClients, apiId: string): Promise<ApiIntegration[]> {
  const { GetIntegrationsCommand } = await import('@aws-sdk/client-apigatewayv2');
  const answer = await runFactCall({ service: HTTP, command: 'GetIntegrations' }, (options) =>
    aws.apiGatewayV2.send(new GetIntegrationsCommand({ ApiId: apiId }), options),
  );
  return (answer.Items ?? []).map(
    (item): ApiIntegration => ({
      route: item.IntegrationId ?? '?',
      type: item.IntegrationType ?? null,
      functionArn: functionOf(item.IntegrationUri),
      timeoutMs: item.TimeoutInMillis ?? null,
      functionTimeoutSeconds: null,
    }),
  );
}

async function readHttpApi(aws: AwsClients, resource: Resource, failures: unknown[]): Promise<ApiGatewayEvidence> {
  const evidence = emptyApiEvidence(resource);
  const apiId = resource.name;
  const [name, integrations] = await Promise.all([
    attempt(() => httpApiName(aws, apiId), failures),
    attempt(() => httpIntegrations(aws, apiId), failures),
  ]);
  if (name) evidence.apiName = name;
  if (integrations) evidence.integrations = await withTimeouts(aws, integrations, failures);
  return evidence;
}

/** HTTP and WebSocket APIs are found by ID, with an `/apis/` ARN; REST APIs by name. */
export function isHttpApi(resource: Resource): boolean {
  return resource.arn?.includes('::/apis/') ?? false;
}

/**
 * REST: GetRestApis, GetResources, GetIntegration per method, GetStage and the stage's execution
 * logs when it writes them. HTTP: GetApi, GetIntegrations. Then each Lambda integration's timeout.
 */
export async function readApi(aws: AwsClients, resource: Resource, window: TimeWindow): Promise<GatheredEvidence<ApiGatewayEvidence>> {
  const failures: unknown[] = [];
  const evidence = isHttpApi(resource) ? await readHttpApi(aws, resource, failures) : await readRestApi(aws, resource, window, failures);
  // An HTTP API's ID is known from the alarm, its name only from GetApi.
  const nameRead = evidence.kind === 'http' ? evidence.apiName !== evidence.apiId : evidence.apiId !== null;
  return { evidence, failures, nothingRead: evidence.integrations === null && !nameRead };
}
