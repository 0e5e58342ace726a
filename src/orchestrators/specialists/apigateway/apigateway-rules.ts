import type { Fact, Hypothesis, RootCause } from '../../../report/report.js';
import type { ApiGatewayEvidence, ApiIntegration, ExecutionLogKind, ExecutionLogSignal } from './apigateway-evidence.js';

/** REST APIs stop waiting for an integration at 29 s unless the account raised it. */
const DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000;

function functionName(integration: ApiIntegration): string {
  return /function:([^:]+)/.exec(integration.functionArn ?? '')?.[1] ?? 'its function';
}

function integrationLine(integration: ApiIntegration): string {
  const fn = integration.functionArn
    ? ` → Lambda ${functionName(integration)} (timeout ${integration.functionTimeoutSeconds ?? '?'} s)`
    : '';
  return `${integration.route}: ${integration.type ?? '?'} integration${fn}, integration timeout ${integration.timeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS} ms`;
}

function logLines(evidence: ApiGatewayEvidence, kind: ExecutionLogKind): ExecutionLogSignal[] {
  return evidence.executionLog?.filter((signal) => signal.kind === kind) ?? [];
}

function quote(signal: ExecutionLogSignal): string {
  return `execution log ×${signal.count}: ${signal.detail}`;
}

export function apiGatewayFacts(evidence: ApiGatewayEvidence): Fact[] {
  const facts: Fact[] = [];
  const name = evidence.apiName;
  if (evidence.integrations) {
    facts.push({
      source: evidence.kind === 'rest' ? 'api-gateway.GetIntegration' : 'apigatewayv2.GetIntegrations',
      content: `${name}: ${evidence.integrations.map(integrationLine).join('; ') || 'no integrations'}`,
      confidence: 1,
      metadata: { integrations: evidence.integrations },
    });
  }
  if (evidence.stage && evidence.kind === 'rest') {
    facts.push({
      source: 'api-gateway.GetStage',
      content: `${name} stage ${evidence.stage}: execution logging ${evidence.executionLogging ?? 'off'}`,
      confidence: 1,
    });
  }
  for (const signal of evidence.executionLog ?? []) {
    facts.push({
      source: 'cloudwatch-logs.FilterLogEvents',
      content: `${name} ${quote(signal)}`,
      confidence: 0.9,
      metadata: { ...signal },
    });
  }
  return facts;
}

/** Integrations whose function may run longer than the API waits for it. */
function outlasting(evidence: ApiGatewayEvidence): ApiIntegration[] {
  return (evidence.integrations ?? []).filter(
    (i) => i.functionTimeoutSeconds !== null && i.functionTimeoutSeconds * 1000 > (i.timeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS),
  );
}

function integrationTimeout(evidence: ApiGatewayEvidence): Hypothesis | null {
  const timedOut = logLines(evidence, 'integration_timeout');
  const longer = outlasting(evidence);
  if (timedOut.length === 0 && longer.length === 0) return null;
  const [integration] = longer.length > 0 ? longer : (evidence.integrations ?? []);
  const limit = integration?.timeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS;
  const behind = integration ? ` with ${functionName(integration)}` : '';
  const own = integration?.functionTimeoutSeconds
    ? ` while ${functionName(integration)} may run ${integration.functionTimeoutSeconds} s`
    : '';
  return {
    type: 'timeout',
    description: `API ${evidence.apiName} gives up on its integration${behind} after ${limit / 1000} s${own}: callers get 504`,
    confidence: timedOut.length > 0 ? 0.85 : 0.45,
    evidence: [...timedOut.map(quote), ...longer.map(integrationLine)],
  };
}

function invokeDenied(evidence: ApiGatewayEvidence): Hypothesis | null {
  const denied = logLines(evidence, 'invoke_denied');
  if (denied.length === 0) return null;
  const fn = evidence.integrations?.find((i) => i.functionArn);
  return {
    type: 'permission_denied',
    description: `API ${evidence.apiName} may not invoke ${fn ? functionName(fn) : 'its Lambda integration'}: the function's resource policy lacks lambda:InvokeFunction for apigateway.amazonaws.com`,
    confidence: 0.9,
    evidence: denied.map(quote),
  };
}

/** What the API's own configuration and execution log explain; a failing function is its own specialist's. */
export function apiGatewayHypotheses(evidence: ApiGatewayEvidence): Hypothesis[] {
  return [invokeDenied(evidence), integrationTimeout(evidence)].filter((h): h is Hypothesis => h !== null);
}

export function apiGatewayAdvice(rootCause: RootCause, evidence: ApiGatewayEvidence | null): string[] {
  const name = evidence?.apiName ?? 'the API';
  const fn = evidence?.integrations?.find((i) => i.functionArn);
  if (rootCause.type === 'permission_denied' && fn) {
    return [
      `Allow API Gateway to invoke ${functionName(fn)}: aws lambda add-permission --function-name ${functionName(fn)} --action lambda:InvokeFunction ` +
        `--principal apigateway.amazonaws.com --source-arn 'arn:aws:execute-api:<region>:<account>:${evidence?.apiId ?? '<api-id>'}/*'.`,
    ];
  }
  if (rootCause.type === 'timeout') {
    return [
      `Make ${fn ? functionName(fn) : 'the integration'} answer ${name} within ${(fn?.timeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS) / 1000} s: ` +
        'move long work to an asynchronous path (queue the request, answer 202) or speed up its slow dependency.',
      `Set the function's timeout no longer than the API waits${fn?.functionTimeoutSeconds ? ` (now ${fn.functionTimeoutSeconds} s)` : ''}, so it fails visibly in its own logs instead of working on for a caller that is gone.`,
    ];
  }
  return [`Check the integrations of ${name} and the execution log of its stage for the failing requests.`];
}
