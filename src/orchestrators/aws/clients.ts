import * as cloudWatchSdk from '@aws-sdk/client-cloudwatch';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import { type AwsClientOptions, awsService } from './aws-service.js';

/** The SDK clients the fact calls use, by the name code reads them under; another client is one more line. */
export const AWS_SERVICES = {
  lambda: awsService('lambda', lambdaSdk.LambdaClient, lambdaSdk, lambdaSdk.LambdaServiceException),
  logs: awsService('cloudwatch-logs', logsSdk.CloudWatchLogsClient, logsSdk, logsSdk.CloudWatchLogsServiceException),
  cloudwatch: awsService('cloudwatch', cloudWatchSdk.CloudWatchClient, cloudWatchSdk, cloudWatchSdk.CloudWatchServiceException),
};

type Services = typeof AWS_SERVICES;

export type AwsClients = { readonly [Key in keyof Services]: ReturnType<Services[Key]['create']> } & { readonly region: string };

/** One client of every service, for one region. */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const clients = Object.entries(AWS_SERVICES).map(([key, service]) => [key, service.create(options)]);
  return { ...Object.fromEntries(clients), region: options.region } as AwsClients;
}
