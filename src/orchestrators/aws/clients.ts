import { type AwsClientOptions, awsService } from './aws-service.js';

/**
 * The SDK clients the fact calls use, by the name code reads them under; another client is one more
 * line. The third argument is the IAM service prefix of its actions (docs/iam-policy.json). Each
 * package is imported on its client's first call: a module that sends its commands imports the
 * package itself, lazily too unless every investigation needs it (Lambda, Logs, CloudWatch).
 */
export const AWS_SERVICES = {
  lambda: awsService('lambda', 'lambda', '@aws-sdk/client-lambda', () =>
    import('@aws-sdk/client-lambda').then((sdk) => ({ sdk, ClientClass: sdk.LambdaClient, ServiceException: sdk.LambdaServiceException })),
  ),
  logs: awsService('cloudwatch-logs', 'logs', '@aws-sdk/client-cloudwatch-logs', () =>
    import('@aws-sdk/client-cloudwatch-logs').then((sdk) => ({
      sdk,
      ClientClass: sdk.CloudWatchLogsClient,
      ServiceException: sdk.CloudWatchLogsServiceException,
    })),
  ),
  cloudwatch: awsService('cloudwatch', 'cloudwatch', '@aws-sdk/client-cloudwatch', () =>
    import('@aws-sdk/client-cloudwatch').then((sdk) => ({
      sdk,
      ClientClass: sdk.CloudWatchClient,
      ServiceException: sdk.CloudWatchServiceException,
    })),
  ),
  apiGateway: awsService('api-gateway', 'apigateway', '@aws-sdk/client-api-gateway', () =>
    import('@aws-sdk/client-api-gateway').then((sdk) => ({
      sdk,
      ClientClass: sdk.APIGatewayClient,
      ServiceException: sdk.APIGatewayServiceException,
    })),
  ),
  apiGatewayV2: awsService('apigatewayv2', 'apigateway', '@aws-sdk/client-apigatewayv2', () =>
    import('@aws-sdk/client-apigatewayv2').then((sdk) => ({
      sdk,
      ClientClass: sdk.ApiGatewayV2Client,
      ServiceException: sdk.ApiGatewayV2ServiceException,
    })),
  ),
  sqs: awsService('sqs', 'sqs', '@aws-sdk/client-sqs', () =>
    import('@aws-sdk/client-sqs').then((sdk) => ({ sdk, ClientClass: sdk.SQSClient, ServiceException: sdk.SQSServiceException })),
  ),
  sfn: awsService('sfn', 'states', '@aws-sdk/client-sfn', () =>
    import('@aws-sdk/client-sfn').then((sdk) => ({ sdk, ClientClass: sdk.SFNClient, ServiceException: sdk.SFNServiceException })),
  ),
  dynamodb: awsService('dynamodb', 'dynamodb', '@aws-sdk/client-dynamodb', () =>
    import('@aws-sdk/client-dynamodb').then((sdk) => ({
      sdk,
      ClientClass: sdk.DynamoDBClient,
      ServiceException: sdk.DynamoDBServiceException,
    })),
  ),
};

type Services = typeof AWS_SERVICES;

export type AwsClients = { readonly [Key in keyof Services]: ReturnType<Services[Key]['create']> } & { readonly region: string };

/** One client of every service, for one region. */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const clients = Object.entries(AWS_SERVICES).map(([key, service]) => [key, service.create(options)]);
  return { ...Object.fromEntries(clients), region: options.region } as AwsClients;
}
