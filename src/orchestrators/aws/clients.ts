import * as apiGatewaySdk from '@aws-sdk/client-api-gateway';
import * as apiGatewayV2Sdk from '@aws-sdk/client-apigatewayv2';
import * as cloudWatchSdk from '@aws-sdk/client-cloudwatch';
import * as logsSdk from '@aws-sdk/client-cloudwatch-logs';
import * as dynamoDbSdk from '@aws-sdk/client-dynamodb';
import * as lambdaSdk from '@aws-sdk/client-lambda';
import * as sfnSdk from '@aws-sdk/client-sfn';
import * as sqsSdk from '@aws-sdk/client-sqs';
import { type AwsClientOptions, awsService } from './aws-service.js';

/**
 * The SDK clients the fact calls use, by the name code reads them under; another client is one more
 * line. The third argument is the IAM service prefix of its actions (docs/iam-policy.json).
 */
export const AWS_SERVICES = {
  lambda: awsService('lambda', 'lambda', lambdaSdk.LambdaClient, lambdaSdk, lambdaSdk.LambdaServiceException),
  logs: awsService('cloudwatch-logs', 'logs', logsSdk.CloudWatchLogsClient, logsSdk, logsSdk.CloudWatchLogsServiceException),
  cloudwatch: awsService(
    'cloudwatch',
    'cloudwatch',
    cloudWatchSdk.CloudWatchClient,
    cloudWatchSdk,
    cloudWatchSdk.CloudWatchServiceException,
  ),
  apiGateway: awsService(
    'api-gateway',
    'apigateway',
    apiGatewaySdk.APIGatewayClient,
    apiGatewaySdk,
    apiGatewaySdk.APIGatewayServiceException,
  ),
  apiGatewayV2: awsService(
    'apigatewayv2',
    'apigateway',
    apiGatewayV2Sdk.ApiGatewayV2Client,
    apiGatewayV2Sdk,
    apiGatewayV2Sdk.ApiGatewayV2ServiceException,
  ),
  sqs: awsService('sqs', 'sqs', sqsSdk.SQSClient, sqsSdk, sqsSdk.SQSServiceException),
  sfn: awsService('sfn', 'states', sfnSdk.SFNClient, sfnSdk, sfnSdk.SFNServiceException),
  dynamodb: awsService('dynamodb', 'dynamodb', dynamoDbSdk.DynamoDBClient, dynamoDbSdk, dynamoDbSdk.DynamoDBServiceException),
};

type Services = typeof AWS_SERVICES;

export type AwsClients = { readonly [Key in keyof Services]: ReturnType<Services[Key]['create']> } & { readonly region: string };

/** One client of every service, for one region. */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const clients = Object.entries(AWS_SERVICES).map(([key, service]) => [key, service.create(options)]);
  return { ...Object.fromEntries(clients), region: options.region } as AwsClients;
}
