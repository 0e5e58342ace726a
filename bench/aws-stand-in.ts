/**
 * A local stand-in for the AWS APIs the Lambda specialist reads, for storms measured offline: an HTTP
 * server on 127.0.0.1 speaking enough of Lambda's REST-JSON, CloudWatch Logs' JSON 1.1 and
 * CloudWatch's JSON 1.0 protocols for GetFunctionConfiguration, GetFunctionConcurrency,
 * FilterLogEvents and GetMetricData, answering from recordings. It enforces the quotas of one
 * account per region (read from the request's signature) as token buckets (burst of one second's worth) and answers each call after a fixed latency; calls
 * beyond a quota get the throttling error the real service sends. The SDK clients reach it
 * through AWS_ENDPOINT_URL.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerMetricQueries } from '../src/orchestrators/aws/recorded-metrics.js';
import { findRecordedCall, type Recording } from '../src/orchestrators/aws/recording.js';

/** The documented per-account quotas, requests per second, by the quota group a call counts against. */
export const AWS_QUOTAS: Readonly<Record<string, number>> = {
  lambda: 15,
  'logs.FilterLogEvents': 5,
  'cloudwatch.GetMetricData': 50,
};

export interface StandInOptions {
  recording: Recording;
  /** @defaultValue AWS_QUOTAS */
  quotas?: Readonly<Record<string, number>>;
  /** @defaultValue 40 */
  latencyMs?: number;
}

interface Call {
  /** `lambda.GetFunctionConfiguration` … */
  api: string;
  group: string;
  input: Record<string, unknown>;
  /** The error a real service sends when this call is throttled. */
  throttle: { status: number; name: string };
}

export interface StandInStats {
  calls: Record<string, number>;
  throttled: Record<string, number>;
  /** Answered (not throttled) calls per `<quota group>@<region>` per whole second since start. */
  answeredPerSecond: Record<string, number[]>;
}

class TokenBucket {
  private tokens: number;
  private updated = performance.now();

  constructor(private readonly perSecond: number) {
    this.tokens = perSecond;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.updated) / 1000) * this.perSecond);
    this.updated = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

async function body(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** Which call a request is, by its protocol: Lambda by path, the JSON protocols by X-Amz-Target. */
async function parseCall(request: IncomingMessage): Promise<Call | null> {
  const path = decodeURIComponent(new URL(request.url ?? '/', 'http://stand-in').pathname);
  const lambda = path.match(/^\/\d{4}-\d{2}-\d{2}\/functions\/([^/]+)\/(configuration|concurrency)$/);
  if (lambda) {
    const command = lambda[2] === 'configuration' ? 'GetFunctionConfiguration' : 'GetFunctionConcurrency';
    return {
      api: `lambda.${command}`,
      group: 'lambda',
      input: { FunctionName: lambda[1] },
      throttle: { status: 429, name: 'TooManyRequestsException' },
    };
  }
  const target = String(request.headers['x-amz-target'] ?? '');
  const input = await body(request);
  if (target === 'Logs_20140328.FilterLogEvents') {
    const api = 'logs.FilterLogEvents';
    return { api, group: api, input, throttle: { status: 400, name: 'ThrottlingException' } };
  }
  if (target === 'GraniteServiceVersion20100801.GetMetricData') {
    const api = 'cloudwatch.GetMetricData';
    return { api, group: api, input, throttle: { status: 400, name: 'Throttling' } };
  }
  return null;
}

/** The region the client signed for: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
function regionOf(request: IncomingMessage): string {
  return String(request.headers.authorization ?? '').match(/Credential=[^/]+\/[^/]+\/([^/]+)\//)?.[1] ?? 'unsigned';
}

const SERVICE_OF: Record<string, string> = { lambda: 'lambda', logs: 'cloudwatch-logs', cloudwatch: 'cloudwatch' };

function answer(recording: Recording, call: Call): { output: object } | { error: { name: string; message: string } } {
  const [prefix = '', command = ''] = call.api.split('.');
  const service = SERVICE_OF[prefix] ?? prefix;
  if (call.api === 'cloudwatch.GetMetricData') {
    const perMetric = answerMetricQueries(recording, call.input);
    if (perMetric) return { output: perMetric };
  }
  const recorded = findRecordedCall(recording, service, command, call.input);
  if (!recorded) return { error: { name: 'ResourceNotFoundException', message: `no recording for ${call.api}` } };
  return recorded.error ? { error: recorded.error } : { output: recorded.output ?? {} };
}

/** JSON as the AWS JSON protocols write it: timestamps as epoch seconds. */
function awsJson(value: object): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, item) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : item;
  });
}

function sendError(response: ServerResponse, status: number, name: string, message: string): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': name });
  response.end(JSON.stringify({ __type: name, message }));
}

export interface AwsStandIn {
  url: string;
  stats(): StandInStats;
  /** Throttles every call until this many milliseconds from now. */
  throttleAllFor(ms: number): void;
  close(): Promise<void>;
}

export async function startAwsStandIn(options: StandInOptions): Promise<AwsStandIn> {
  const quotas = options.quotas ?? AWS_QUOTAS;
  const latencyMs = options.latencyMs ?? 40;
  const buckets = new Map<string, TokenBucket>();
  const bucketOf = (group: string, region: string) => {
    const key = `${group}@${region}`;
    const quota = quotas[group];
    if (quota !== undefined && !buckets.has(key)) buckets.set(key, new TokenBucket(quota));
    return { key, bucket: buckets.get(key) };
  };
  const stats: StandInStats = { calls: {}, throttled: {}, answeredPerSecond: {} };
  const startedAt = performance.now();
  let throttleUntil = 0;

  const server = createServer((request, response) => {
    void (async () => {
      const call = await parseCall(request);
      await sleep(latencyMs);
      if (!call) return sendError(response, 400, 'UnknownOperationException', `${request.method} ${request.url}`);
      stats.calls[call.api] = (stats.calls[call.api] ?? 0) + 1;
      const { key, bucket } = bucketOf(call.group, regionOf(request));
      const allowed = performance.now() >= throttleUntil && (bucket?.take() ?? true);
      if (!allowed) {
        stats.throttled[call.api] = (stats.throttled[call.api] ?? 0) + 1;
        return sendError(response, call.throttle.status, call.throttle.name, 'Rate exceeded');
      }
      const second = Math.floor((performance.now() - startedAt) / 1000);
      const perSecond = (stats.answeredPerSecond[key] ??= []);
      perSecond[second] = (perSecond[second] ?? 0) + 1;
      const result = answer(options.recording, call);
      if ('error' in result) return sendError(response, 400, result.error.name, result.error.message);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(awsJson(result.output));
    })().catch((error: unknown) => sendError(response, 500, 'InternalFailure', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => structuredClone(stats),
    throttleAllFor(ms) {
      throttleUntil = performance.now() + ms;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
