import type { AlarmMetricRule } from '../alarm-metric-rules.js';
import { judgeReadOrFromAlarmMetrics } from '../alarm-metric-rules.js';
import { lambdaBehind } from '../lambda/lambda-resource.js';
import type { ResourceSpecialist } from '../resource-specialist.js';
import type { ApiGatewayEvidence } from './apigateway-evidence.js';
import { API_NAME, apiGatewayFactTools } from './apigateway-fact-tools.js';
import { apiGatewayAdvice, apiGatewayFacts, apiGatewayHypotheses } from './apigateway-rules.js';
import { readApi } from './read-api.js';

/** Only when nothing of the API could be read. */
const ALARM_METRIC_RULES: AlarmMetricRule[] = [
  {
    namespace: 'AWS/ApiGateway',
    // REST APIs name it 5XXError, HTTP APIs 5xx.
    metric: /^(?:5XXError|5xx)$/,
    type: 'downstream_error',
    confidence: 0.35,
    explain: (r) => `API ${r} returns 5XX: its integration is failing`,
  },
  {
    namespace: 'AWS/ApiGateway',
    metric: /Latency$/,
    type: 'timeout',
    confidence: 0.3,
    explain: (r) => `API ${r} responds slowly; the integration may be timing out`,
  },
  {
    namespace: 'AWS/ApiGateway',
    metric: /^(?:4XXError|4xx)$/,
    type: 'configuration_error',
    confidence: 0.25,
    explain: (r) => `API ${r} rejects requests (4XX)`,
  },
];

/** REST APIs by name (and stage), HTTP and WebSocket APIs by ID, followed to their Lambda integrations. */
export const apiGatewaySpecialist: ResourceSpecialist<ApiGatewayEvidence> = {
  type: 'apigateway',
  noun: 'API Gateway API',
  agentTool: { toolName: 'investigate_api_gateway', parameter: API_NAME },
  discovery: {
    dimensions: {
      ApiName: (name, { resource, dimensions }) => ({ ...resource(name), ...(dimensions.Stage ? { qualifier: dimensions.Stage } : {}) }),
      // HTTP and WebSocket APIs are known by ID, not name; the ARN tells the specialist which lookup to use.
      ApiId: (id, { resource, region, partition }) =>
        resource(id, region ? `arn:${partition}:apigateway:${region}::/apis/${id}` : undefined),
    },
    async follow(aws, resource, window) {
      const { evidence, failures } = await readApi(aws, resource, window);
      const functions = (evidence.integrations ?? []).flatMap((i) =>
        i.functionArn ? (lambdaBehind(i.functionArn, 'api integration') ?? []) : [],
      );
      return { resources: functions, failures };
    },
  },
  alarmMetricRules: ALARM_METRIC_RULES,
  evidence: {
    gather: readApi,
    factTools: apiGatewayFactTools,
    facts: apiGatewayFacts,
  },
  hypotheses: judgeReadOrFromAlarmMetrics(ALARM_METRIC_RULES, apiGatewayHypotheses, (e) =>
    e.integrations !== null ? (e.kind === 'http' ? e.apiId : e.apiName) : null,
  ),
  advice: apiGatewayAdvice,
};
