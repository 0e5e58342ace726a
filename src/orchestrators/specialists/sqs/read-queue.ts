import { GetFunctionConfigurationCommand, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { AWS_SERVICES, type AwsClients } from '../../aws/clients.js';
import { FactToolError } from '../../errors.js';
import { attempt } from '../../facts/attempt.js';
import { runFactCall } from '../../facts/fact-call.js';
import type { GatheredEvidence } from '../resource-specialist.js';
import type { QueueAttributes, QueueConsumer, SqsEvidence } from './sqs-evidence.js';

const SQS = AWS_SERVICES.sqs.name;
const LAMBDA = AWS_SERVICES.lambda.name;

function numberOf(value: string | undefined): number | null {
  const parsed = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function redriveOf(text: string | undefined): QueueAttributes['redrive'] {
  if (!text) return null;
  try {
    const policy = JSON.parse(text) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown };
    const maxReceiveCount = Number(policy.maxReceiveCount);
    return typeof policy.deadLetterTargetArn === 'string' && Number.isFinite(maxReceiveCount)
      ? { deadLetterTargetArn: policy.deadLetterTargetArn, maxReceiveCount }
      : null;
  } catch {
    return null;
  }
}

/** `https://sqs.eu-west-1.amazonaws.com/123456789012/orders-dlq` → `orders-dlq`. */
export function queueNameOfUrl(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/**
 * ListEventSourceMappings of the queue, and GetFunctionConfiguration of each consumer for its timeout;
 * a consumer whose configuration fails is listed with its timeout unknown, the error in `failures`.
 */
export async function queueConsumersOf(aws: AwsClients, queueArn: string, failures: unknown[]): Promise<QueueConsumer[]> {
  const answer = await runFactCall({ service: LAMBDA, command: 'ListEventSourceMappings' }, (options) =>
    aws.lambda.send(new ListEventSourceMappingsCommand({ EventSourceArn: queueArn }), options),
  );
  return Promise.all(
    (answer.EventSourceMappings ?? []).map(async (mapping) => {
      const functionArn = mapping.FunctionArn ?? '';
      const functionName = /function:([^:]+)/.exec(functionArn)?.[1] ?? functionArn;
      const configuration = await attempt(
        () =>
          runFactCall({ service: LAMBDA, command: 'GetFunctionConfiguration' }, (options) =>
            aws.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }), options),
          ),
        failures,
      );
      return {
        uuid: mapping.UUID ?? null,
        functionArn,
        functionName,
        state: mapping.State ?? null,
        batchSize: mapping.BatchSize ?? null,
        lastProcessingResult: mapping.LastProcessingResult ?? null,
        stateTransitionReason: mapping.StateTransitionReason ?? null,
        functionTimeoutSeconds: configuration?.Timeout ?? null,
      };
    }),
  );
}

// The SQS package is imported on first use, as the client is (aws/clients.ts): most investigations
// read no queue.

/** GetQueueUrl: every other read of the queue needs its URL. */
export async function queueUrlOf(aws: AwsClients, queueName: string): Promise<string> {
  const { GetQueueUrlCommand } = await import('@aws-sdk/client-sqs');
  const answer = await runFactCall({ service: SQS, command: 'GetQueueUrl' }, (options) =>
    aws.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }), options),
  );
  if (!answer.QueueUrl) throw new FactToolError(SQS, 'GetQueueUrl', 'QueueDoesNotExist', `no URL for queue ${queueName}`);
  return answer.QueueUrl;
}

/** GetQueueAttributes: the queue's ARN, depth, visibility timeout and redrive policy. */
export async function queueAttributesOf(aws: AwsClients, url: string): Promise<QueueAttributes> {
  const { GetQueueAttributesCommand } = await import('@aws-sdk/client-sqs');
  const answer = await runFactCall({ service: SQS, command: 'GetQueueAttributes' }, (options) =>
    aws.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }), options),
  );
  const raw = answer.Attributes ?? {};
  return {
    arn: raw.QueueArn ?? null,
    visibilityTimeoutSeconds: numberOf(raw.VisibilityTimeout),
    messagesVisible: numberOf(raw.ApproximateNumberOfMessages),
    messagesInFlight: numberOf(raw.ApproximateNumberOfMessagesNotVisible),
    redrive: redriveOf(raw.RedrivePolicy),
  };
}

/** ListDeadLetterSourceQueues: the queues whose dead letter this one is, by name. */
export async function deadLetterSourcesOf(aws: AwsClients, url: string): Promise<string[]> {
  const { ListDeadLetterSourceQueuesCommand } = await import('@aws-sdk/client-sqs');
  const answer = await runFactCall({ service: SQS, command: 'ListDeadLetterSourceQueues' }, (options) =>
    aws.sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: url }), options),
  );
  return (answer.queueUrls ?? []).map(queueNameOfUrl);
}

/**
 * GetQueueUrl, GetQueueAttributes, then the queues it is the dead letter of and the event source
 * mappings that consume it. Discovery and the specialist both read a queue with this; the
 * investigation's clients answer the second reader from the first's calls.
 */
export async function readQueue(aws: AwsClients, queueName: string): Promise<GatheredEvidence<SqsEvidence>> {
  const failures: unknown[] = [];
  const evidence: SqsEvidence = { queueName, url: null, attributes: null, deadLetterSources: null, consumers: null };
  const url = await attempt(() => queueUrlOf(aws, queueName), failures);
  if (!url) return { evidence, failures, nothingRead: true };
  evidence.url = url;
  const [attributes, sources] = await Promise.all([
    attempt(() => queueAttributesOf(aws, url), failures),
    attempt(() => deadLetterSourcesOf(aws, url), failures),
  ]);
  evidence.attributes = attributes;
  evidence.deadLetterSources = sources;
  if (attributes?.arn) {
    const arn = attributes.arn;
    evidence.consumers = await attempt(() => queueConsumersOf(aws, arn, failures), failures);
  }
  return { evidence, failures, nothingRead: false };
}
