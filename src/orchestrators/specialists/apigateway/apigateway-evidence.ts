/** What the API Gateway specialist reads of one REST or HTTP API; null parts could not be read. */
export interface ApiGatewayEvidence {
  apiName: string;
  kind: 'rest' | 'http';
  apiId: string | null;
  stage: string | null;
  integrations: ApiIntegration[] | null;
  /** The stage's execution logging level (`INFO`, `ERROR`, `OFF`); null when not read or not set. */
  executionLogging: string | null;
  /** What the stage's execution logs say, grouped; null when the stage does not log or they were not read. */
  executionLog: ExecutionLogSignal[] | null;
}

export interface ApiIntegration {
  /** `GET /orders` (REST) or the integration's ID (HTTP). */
  route: string;
  type: string | null;
  /** The Lambda function behind it, when it is a Lambda integration. */
  functionArn: string | null;
  /** The integration's own timeout: 29 s by default for REST, 30 s at most for HTTP. */
  timeoutMs: number | null;
  /** The function's timeout, which the API stops waiting for at `timeoutMs`. */
  functionTimeoutSeconds: number | null;
}

export type ExecutionLogKind = 'integration_timeout' | 'invoke_denied' | 'function_error' | 'integration_error';

export interface ExecutionLogSignal {
  kind: ExecutionLogKind;
  /** The line, without its request ID. */
  detail: string;
  count: number;
}
