import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig } from '../platform/config.js';
import { errorMessage, type PromptRcaError } from '../platform/errors.js';
import { SqsQueueError, SqsUnavailableError } from './errors.js';

export interface RedrivePolicy {
  deadLetterTargetArn: string;
  maxReceiveCount: number;
}

export interface QueueInfo {
  url: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  /** The queue's own redrive policy: where poison messages end up when we leave them. */
  redrive: RedrivePolicy | null;
  fifo: boolean;
}

const QUEUE_URL_EXAMPLE = 'https://sqs.us-east-1.amazonaws.com/123456789012/promptrca-alarms';

/** Checks the shape of an SQS queue URL (scheme, host, /account/name) before any call is made. */
export function checkQueueUrl(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SqsQueueError(`${option} ${JSON.stringify(value)} is not a URL: expected a queue URL such as ${QUEUE_URL_EXAMPLE}`);
  }
  const segments = url.pathname.split('/').filter(Boolean);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || segments.length !== 2) {
    throw new SqsQueueError(
      `${option} ${JSON.stringify(value)} is not an SQS queue URL: expected http(s)://host/<account>/<queue name>, such as ${QUEUE_URL_EXAMPLE}`,
    );
  }
  return value;
}

/**
 * The region an AWS queue URL names (sqs.<region>.amazonaws.com, <region>.queue.amazonaws.com),
 * so requests are signed for the queue's region whatever AWS_REGION says; null for other hosts.
 */
export function regionOfQueueUrl(value: string): string | null {
  const host = new URL(value).hostname;
  const match = /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host) ?? /^([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(host);
  return match?.[1] ?? null;
}

/**
 * The bridge's client. An AWS queue URL gives the region to sign for; another host (LocalStack,
 * ElasticMQ) is the endpoint itself unless AWS_ENDPOINT_URL_SQS / AWS_ENDPOINT_URL names one.
 * The SDK's habit of sending to the queue URL's host is off: an emulator's URLs may name a host
 * that does not resolve (sqs.us-east-1.localhost).
 */
export async function sqsClientFor(queueUrl: string, env: NodeJS.ProcessEnv): Promise<SQSClient> {
  const region = regionOfQueueUrl(queueUrl);
  const config = loadConfig(env);
  const endpointConfigured = Boolean(config.AWS_ENDPOINT_URL_SQS ?? config.AWS_ENDPOINT_URL);
  const sqs = new SQSClient({
    region: region ?? undefined,
    endpoint: region === null && !endpointConfigured ? new URL(queueUrl).origin : undefined,
    useQueueUrlAsEndpoint: false,
  });
  try {
    await sqs.config.region();
  } catch {
    sqs.destroy();
    throw new SqsQueueError(`no AWS region for ${queueUrl}: set AWS_REGION (the queue URL does not name one)`);
  }
  return sqs;
}

export function parseRedrivePolicy(value: string | undefined): RedrivePolicy | null {
  if (!value) return null;
  try {
    const policy = JSON.parse(value) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    const maxReceiveCount = Number(policy.maxReceiveCount);
    if (typeof policy.deadLetterTargetArn !== 'string' || !Number.isInteger(maxReceiveCount)) return null;
    return { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount };
  } catch {
    return null;
  }
}

const NO_SUCH_QUEUE = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

function startError(error: unknown, url: string, option: string): PromptRcaError {
  const { name, code, $fault } = error as { name?: string; code?: string; $fault?: string };
  const detail = name && name !== 'Error' ? `${name}: ${errorMessage(error)}` : errorMessage(error);
  if (name && NO_SUCH_QUEUE.has(name)) {
    return new SqsQueueError(`${option} ${url}: the queue does not exist (${detail}); check the URL, the account and the endpoint`);
  }
  if ($fault === 'client' || name === 'CredentialsProviderError' || code === 'ENOTFOUND') {
    return new SqsQueueError(
      `${option} ${url}: SQS refused the request (${detail}); check the URL, the AWS credentials and region ` +
        '(AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_SQS) and the permissions sqs:GetQueueAttributes, ReceiveMessage, ' +
        'DeleteMessage, ChangeMessageVisibility (and SendMessage on the --dlq-url queue)',
    );
  }
  return new SqsUnavailableError(`${option} ${url}: cannot reach SQS (${detail})`, { cause: error });
}

/**
 * Reads the attributes the bridge works with; at start, so a wrong URL, a missing queue or
 * refused credentials stop the process with a message (SqsQueueError, exit 2).
 */
export async function describeQueue(sqs: SQSClient, url: string, option: string): Promise<QueueInfo> {
  let attributes: Record<string, string>;
  try {
    const answer = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'VisibilityTimeout', 'RedrivePolicy', 'FifoQueue'] }),
    );
    attributes = answer.Attributes ?? {};
  } catch (error) {
    throw startError(error, url, option);
  }
  return {
    url,
    arn: attributes.QueueArn ?? url,
    visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? 30),
    redrive: parseRedrivePolicy(attributes.RedrivePolicy),
    fifo: attributes.FifoQueue === 'true',
  };
}
