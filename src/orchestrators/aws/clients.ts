import * as cloudWatchSdk from '@aws-sdk/client-cloudwatch';
import { CloudWatchClient, CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchLogsClient, CloudWatchLogsServiceException } from '@aws-sdk/client-cloudwatch-logs';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import { LambdaClient, LambdaServiceException } from '@aws-sdk/client-lambda';
import type { CallRecorder } from './recorder.js';
import type { Recording } from './recording.js';
import { answerFromRecording, sdkErrorFactory } from './replay-middleware.js';

/** The `service` names recordings use for each client. */
export const AWS_SERVICES = {
  lambda: 'lambda',
  logs: 'cloudwatch-logs',
  cloudwatch: 'cloudwatch',
} as const;

export interface AwsClients {
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  region: string;
}

export interface AwsClientOptions {
  region: string;
  /** Answer every call from this recording, with no network and no credentials. */
  replay?: Recording;
  /** Capture every call made, for `investigate --record`. */
  recorder?: CallRecorder;
}

// Static so that a replay never walks the credential chain (env, profile, IMDS) looking for real ones.
const REPLAY_CREDENTIALS = { accessKeyId: 'PROMPTRCA-REPLAY', secretAccessKey: 'PROMPTRCA-REPLAY' };

export function createAwsClients(options: AwsClientOptions): AwsClients {
  const config = { region: options.region, ...(options.replay ? { credentials: REPLAY_CREDENTIALS } : {}) };
  const clients: AwsClients = {
    lambda: new LambdaClient(config),
    logs: new CloudWatchLogsClient(config),
    cloudwatch: new CloudWatchClient(config),
    region: options.region,
  };
  if (options.replay) {
    const recording = options.replay;
    answerFromRecording(
      clients.lambda.middlewareStack,
      AWS_SERVICES.lambda,
      recording,
      sdkErrorFactory(lambdaSdk, LambdaServiceException),
    );
    answerFromRecording(
      clients.logs.middlewareStack,
      AWS_SERVICES.logs,
      recording,
      sdkErrorFactory(logsSdk, CloudWatchLogsServiceException),
    );
    answerFromRecording(
      clients.cloudwatch.middlewareStack,
      AWS_SERVICES.cloudwatch,
      recording,
      sdkErrorFactory(cloudWatchSdk, CloudWatchServiceException),
    );
  }
  if (options.recorder) {
    options.recorder.attach(clients.lambda, AWS_SERVICES.lambda);
    options.recorder.attach(clients.logs, AWS_SERVICES.logs);
    options.recorder.attach(clients.cloudwatch, AWS_SERVICES.cloudwatch);
  }
  return clients;
}
