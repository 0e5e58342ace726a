import type { NormalizedAlarm } from '../../producer/alarm.js';
import type { Hypothesis, Resource, RootCauseType } from '../../report/report.js';

interface MetricRule {
  namespace: string;
  metric: RegExp;
  type: RootCauseType;
  confidence: number;
  explain: (resource: string) => string;
}

/**
 * For resources we read no logs of, the alarm's own metric is the only evidence: it points at a
 * kind of cause but proves none, so these hypotheses stay well below what log evidence gives.
 */
const RULES: MetricRule[] = [
  { namespace: 'AWS/DynamoDB', metric: /Throttl/i, type: 'downstream_error', confidence: 0.45, explain: (r) => `DynamoDB table ${r} is throttling requests` },
  { namespace: 'AWS/DynamoDB', metric: /^SystemErrors$/, type: 'downstream_error', confidence: 0.4, explain: (r) => `DynamoDB table ${r} returns service errors` },
  { namespace: 'AWS/DynamoDB', metric: /^UserErrors$/, type: 'configuration_error', confidence: 0.3, explain: (r) => `requests to DynamoDB table ${r} are rejected as invalid` },
  { namespace: 'AWS/ApiGateway', metric: /^5XXError$/, type: 'downstream_error', confidence: 0.35, explain: (r) => `API ${r} returns 5XX: its integration is failing` },
  { namespace: 'AWS/ApiGateway', metric: /Latency$/, type: 'timeout', confidence: 0.3, explain: (r) => `API ${r} responds slowly; the integration may be timing out` },
  { namespace: 'AWS/ApiGateway', metric: /^4XXError$/, type: 'configuration_error', confidence: 0.25, explain: (r) => `API ${r} rejects requests (4XX)` },
  { namespace: 'AWS/SQS', metric: /ApproximateAgeOfOldestMessage|ApproximateNumberOfMessagesVisible/, type: 'throttling', confidence: 0.3, explain: (r) => `queue ${r} is backing up: its consumer is not keeping pace` },
  { namespace: 'AWS/States', metric: /ExecutionsTimedOut/, type: 'timeout', confidence: 0.45, explain: (r) => `state machine ${r} executions time out` },
  { namespace: 'AWS/States', metric: /ExecutionThrottled/, type: 'throttling', confidence: 0.45, explain: (r) => `state machine ${r} executions are throttled` },
  { namespace: 'AWS/States', metric: /ExecutionsFailed/, type: 'code_error', confidence: 0.3, explain: (r) => `state machine ${r} executions fail` },
];

export function alarmMetricHypotheses(alarm: NormalizedAlarm, resource: Resource): Hypothesis[] {
  const metrics = [{ namespace: alarm.namespace, metric: alarm.metric }, ...alarm.metrics];
  const hypotheses: Hypothesis[] = [];
  for (const { namespace, metric } of metrics) {
    const rule = RULES.find((r) => r.namespace === namespace && metric !== null && r.metric.test(metric));
    if (!rule || hypotheses.some((h) => h.type === rule.type)) continue;
    hypotheses.push({
      type: rule.type,
      description: rule.explain(resource.name),
      confidence: rule.confidence,
      evidence: [`alarm ${alarm.name} on ${namespace} ${metric}: ${alarm.reason}`],
    });
  }
  return hypotheses;
}
