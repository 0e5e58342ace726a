import type { MiddlewareStack } from '@smithy/types';
import type { RateLimiter } from '../../platform/rate-limiter.js';
import type { AwsRateLimits } from './aws-rate-limits.js';
import { limitRate } from './rate-limit-middleware.js';
import type { CallRecorder, SendingClient } from './recorder.js';
import type { Recording } from './recording.js';
import { answerFromRecording, type ServiceExceptionClass, sdkErrorFactory } from './replay-middleware.js';
import { type SharedFacts, shareFacts } from './shared-facts.js';

export interface AwsClientOptions {
  region: string;
  /** Answer every call from this recording, with no network and no credentials. */
  replay?: Recording;
  /** Capture every call made, for `investigate --record`. */
  recorder?: CallRecorder;
  /** What the fleet's workers share: rate limits and answers of AWS reads. */
  fleet?: FleetAws;
}

/** Shared by every client of one account and region, in every worker and the CLI. */
export interface FleetAws {
  /** Whose quotas and facts: `<account>:<region>`. */
  scope: string;
  rateLimit?: { limiter: RateLimiter; limits: AwsRateLimits };
  facts?: SharedFacts;
}

interface ClientConfig {
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** One AWS SDK client the fact calls use. */
export interface AwsService<Client> {
  /** The `service` name recordings use: the SDK client's, such as `cloudwatch-logs`. */
  readonly name: string;
  /**
   * The IAM action a command needs: `lambda:GetFunctionConfiguration`. API Gateway's management
   * API is authorised by HTTP method, so every read of it is `apigateway:GET`.
   */
  iamAction(command: string): string;
  /** The client's package, by which a test maps each command the code sends to its IAM action. */
  readonly sdk: object;
  /** A client that replays and records as the options ask. */
  create(options: AwsClientOptions): Client;
}

// Static so that a replay never walks the credential chain (env, profile, IMDS) looking for real ones.
const REPLAY_CREDENTIALS = { accessKeyId: 'PROMPTRCA-REPLAY', secretAccessKey: 'PROMPTRCA-REPLAY' };

/**
 * An SDK client package as the investigation uses it. `sdk` is the package itself, whose
 * exception classes a replay throws by the recorded error's name.
 */
export function awsService<Client extends SendingClient, Input extends object, Output extends object>(
  name: string,
  iamPrefix: string,
  ClientClass: new (config: ClientConfig) => Client & { middlewareStack: MiddlewareStack<Input, Output> },
  sdk: object,
  ServiceException: ServiceExceptionClass,
): AwsService<Client> {
  const toError = sdkErrorFactory(sdk, ServiceException);
  return {
    name,
    sdk,
    iamAction: (command) => (iamPrefix === 'apigateway' ? 'apigateway:GET' : `${iamPrefix}:${command}`),
    create(options) {
      const client = new ClientClass({ region: options.region, ...(options.replay ? { credentials: REPLAY_CREDENTIALS } : {}) });
      if (options.replay) answerFromRecording(client.middlewareStack, name, options.replay, toError);
      const fleet = options.fleet;
      if (fleet?.rateLimit) limitRate(client.middlewareStack, { ...fleet.rateLimit, scope: fleet.scope }, iamPrefix);
      if (fleet?.facts) shareFacts(client.middlewareStack, fleet.facts, fleet.scope, name);
      options.recorder?.attach(client, name);
      return client;
    },
  };
}
