import { judgeFromAlarmMetrics } from '../alarm-metric-rules.js';
import { nameDimension } from '../resource-discovery.js';
import type { ResourceSpecialist } from '../resource-specialist.js';

/** REST APIs by name, HTTP and WebSocket APIs by ID; judged from the alarm's metrics. */
export const apiGatewaySpecialist: ResourceSpecialist = {
  type: 'apigateway',
  noun: 'API Gateway API',
  agentTool: { toolName: 'investigate_api_gateway', parameter: 'api_name' },
  discovery: {
    dimensions: {
      ApiName: nameDimension,
      // HTTP and WebSocket APIs are known by ID, not name; the ARN tells the specialist which lookup to use.
      ApiId: (id, { resource, region, partition }) =>
        resource(id, region ? `arn:${partition}:apigateway:${region}::/apis/${id}` : undefined),
    },
  },
  alarmMetricRules: [
    {
      namespace: 'AWS/ApiGateway',
      metric: /^5XXError$/,
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
      metric: /^4XXError$/,
      type: 'configuration_error',
      confidence: 0.25,
      explain: (r) => `API ${r} rejects requests (4XX)`,
    },
  ],
  hypotheses: judgeFromAlarmMetrics,
};
