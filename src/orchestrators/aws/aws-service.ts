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
  /** Answer every call from this recording, with no network and no credentials. @defaultValue none: calls go to AWS */
  replay?: Recording;
  /** Capture every call made, for `investigate --record`. @defaultValue none */
  recorder?: CallRecorder;
  /** What the fleet's workers share: rate limits and answers of AWS reads. @defaultValue none: nothing shared, no rate limit */
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

/** What a client package provides: the package itself, its client class and its base exception. */
export interface SdkPackage<Client, Input extends object, Output extends object> {
  sdk: object;
  ClientClass: new (config: ClientConfig) => Client & { middlewareStack: MiddlewareStack<Input, Output> };
  ServiceException: ServiceExceptionClass;
}

/** A client as the fact calls use it: only `send`, so that the package loads on the first call. */
export type LazyClient<Client extends SendingClient> = Pick<Client, 'send'>;

/** One AWS SDK client the fact calls use. */
export interface AwsService<Client extends SendingClient> {
  /** The `service` name recordings use: the SDK client's, such as `cloudwatch-logs`. */
  readonly name: string;
  /**
   * The IAM action a command needs: `lambda:GetFunctionConfiguration`. API Gateway's management
   * API is authorised by HTTP method, so every read of it is `apigateway:GET`.
   */
  iamAction(command: string): string;
  /** The client's package, by which a test maps each command the code sends to its IAM action. */
  readonly packageName: string;
  /** A client that replays and records as the options ask, its package loaded on its first call. */
  create(options: AwsClientOptions): LazyClient<Client>;
}

// Static so that a replay never walks the credential chain (env, profile, IMDS) looking for real ones.
const REPLAY_CREDENTIALS = { accessKeyId: 'PROMPTRCA-REPLAY', secretAccessKey: 'PROMPTRCA-REPLAY' };

function createClient<Client extends SendingClient, Input extends object, Output extends object>(
  name: string,
  iamPrefix: string,
  { sdk, ClientClass, ServiceException }: SdkPackage<Client, Input, Output>,
  options: AwsClientOptions,
): Client {
  const client = new ClientClass({ region: options.region, ...(options.replay ? { credentials: REPLAY_CREDENTIALS } : {}) });
  if (options.replay) answerFromRecording(client.middlewareStack, name, options.replay, sdkErrorFactory(sdk, ServiceException));
  const fleet = options.fleet;
  if (fleet?.rateLimit) limitRate(client.middlewareStack, { ...fleet.rateLimit, scope: fleet.scope }, iamPrefix);
  if (fleet?.facts) shareFacts(client.middlewareStack, fleet.facts, fleet.scope, name);
  options.recorder?.attach(client, name);
  return client;
}

/**
 * An SDK client package as the investigation uses it, loaded by `load` on the first call of a
 * client: an investigation imports only the packages of the resources it reads (a Lambda alarm
 * needs three of eight; docs/BENCHMARKS.md). A replay throws the package's exception classes by
 * the recorded error's name.
 */
export function awsService<Client extends SendingClient, Input extends object, Output extends object>(
  name: string,
  iamPrefix: string,
  packageName: string,
  load: () => Promise<SdkPackage<Client, Input, Output>>,
): AwsService<Client> {
  return {
    name,
    packageName,
    iamAction: (command) => (iamPrefix === 'apigateway' ? 'apigateway:GET' : `${iamPrefix}:${command}`),
    create(options) {
      let client: Promise<Client> | undefined;
      const send: SendingClient['send'] = async (command, sendOptions) => {
        client ??= load().then((loaded) => createClient(name, iamPrefix, loaded, options));
        return (await client).send(command, sendOptions);
      };
      return { send } as LazyClient<Client>;
    },
  };
}
