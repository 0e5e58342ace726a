/**
 * The AWS service (and operation, when the line says) an SDK error line names, in the shapes the
 * SDKs write: boto3 "when calling the GetParameter operation", JS v3 stacks through
 * `@aws-sdk/client-ssm`, Go v2 "operation error SSM: GetParameter", Java v2 "(Service: Ssm, …)",
 * .NET `Amazon.SimpleSystemsManagement.…`. Null when it names none.
 */
export interface AwsCall {
  /** As engineers write it: `SSM`, `DynamoDB`, `Lambda`. */
  service: string;
  operation: string | null;
}

/** Operations whose service is plain from their name (boto3 names only the operation). */
const SERVICE_OF_OPERATION: Readonly<Record<string, string>> = {
  GetParameter: 'SSM',
  GetParameters: 'SSM',
  GetParametersByPath: 'SSM',
  PutParameter: 'SSM',
  GetItem: 'DynamoDB',
  PutItem: 'DynamoDB',
  UpdateItem: 'DynamoDB',
  DeleteItem: 'DynamoDB',
  Query: 'DynamoDB',
  Scan: 'DynamoDB',
  BatchGetItem: 'DynamoDB',
  BatchWriteItem: 'DynamoDB',
  TransactWriteItems: 'DynamoDB',
  TransactGetItems: 'DynamoDB',
  Invoke: 'Lambda',
  GetSecretValue: 'Secrets Manager',
  SendMessage: 'SQS',
  SendMessageBatch: 'SQS',
  Publish: 'SNS',
  PutEvents: 'EventBridge',
  PutRecord: 'Kinesis',
  PutRecords: 'Kinesis',
  GetObject: 'S3',
  PutObject: 'S3',
  Decrypt: 'KMS',
  StartExecution: 'Step Functions',
};

/** Client package, Java/Go service id or .NET namespace word → the service's usual name. */
const SERVICE_NAMES: Readonly<Record<string, string>> = {
  ssm: 'SSM',
  simplesystemsmanagement: 'SSM',
  awssimplesystemsmanagement: 'SSM',
  dynamodb: 'DynamoDB',
  dynamodbv2: 'DynamoDB',
  lambda: 'Lambda',
  awslambda: 'Lambda',
  'secrets-manager': 'Secrets Manager',
  secretsmanager: 'Secrets Manager',
  sqs: 'SQS',
  sns: 'SNS',
  eventbridge: 'EventBridge',
  kinesis: 'Kinesis',
  s3: 'S3',
  kms: 'KMS',
  sfn: 'Step Functions',
};

const BOTO_OPERATION = /when calling the (\w+) operation/;
const GO_OPERATION = /operation error ([\w ]+?): (\w+)/;
const JS_CLIENT = /@aws-sdk\/client-([\w-]+)/;
const JAVA_SERVICE = /\(Service: ([\w-]+)[;,]/;
const DOTNET_NAMESPACE = /\bAmazon\.(\w+)\.Model\./;

function serviceNamed(word: string | undefined): string | null {
  if (!word) return null;
  return SERVICE_NAMES[word.toLowerCase().replace(/\s+/g, '')] ?? word;
}

export function awsCallIn(text: string): AwsCall | null {
  const go = GO_OPERATION.exec(text);
  if (go?.[1] && go[2]) return { service: serviceNamed(go[1]) ?? go[1], operation: go[2] };
  const operation = BOTO_OPERATION.exec(text)?.[1] ?? null;
  const named = serviceNamed(JS_CLIENT.exec(text)?.[1] ?? JAVA_SERVICE.exec(text)?.[1] ?? DOTNET_NAMESPACE.exec(text)?.[1]);
  const service = named ?? (operation ? (SERVICE_OF_OPERATION[operation] ?? null) : null);
  if (!service) return null;
  return { service, operation };
}

/** `SSM GetParameter`, `DynamoDB`: how a description or advice names the call. */
export function awsCallName(call: AwsCall): string {
  return call.operation ? `${call.service} ${call.operation}` : call.service;
}
