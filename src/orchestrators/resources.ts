import type { NormalizedAlarm } from '../producer/alarm.js';
import type { Resource } from '../report/report.js';

interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

const ARN = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/;
/** ARNs of the services the specialists know, wherever they appear in free text. */
const ARN_IN_TEXT = /arn:aws[a-z-]*:(?:lambda|states|dynamodb|sqs|sns):[^\s"'(),\]]+/g;

function parseArn(text: string): Arn | null {
  const match = ARN.exec(text);
  if (!match) return null;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = match;
  return { partition, service, region, account, resource };
}

function withRegion(resource: Omit<Resource, 'region'>, region: string | null): Resource {
  return region ? { ...resource, region } : resource;
}

function resourceFromArn(text: string): Resource | null {
  const arn = parseArn(text);
  if (!arn) return null;
  const { partition, service, region, account, resource } = arn;
  const found = (type: Resource['type'], name: string | undefined, resourceArn = text): Resource | null =>
    name ? withRegion({ type, name, arn: resourceArn }, region) : null;
  switch (service) {
    case 'lambda': {
      // Qualified ARNs (":alias", ":7") name a version of the same function; report the function.
      const name = /^function:([^:]+)/.exec(resource)?.[1];
      return found('lambda', name, `arn:${partition}:lambda:${region}:${account}:function:${name}`);
    }
    case 'states':
      return found('stepfunctions', /^stateMachine:([^:]+)/.exec(resource)?.[1]);
    case 'dynamodb': {
      const name = /^table\/([^/]+)/.exec(resource)?.[1];
      return found('dynamodb', name, `arn:${partition}:dynamodb:${region}:${account}:table/${name}`);
    }
    case 'sqs':
      return found('sqs', resource);
    case 'sns': {
      // A subscription ARN is the topic ARN plus ":<subscription id>".
      const name = resource.split(':')[0];
      return found('sns', name, `arn:${partition}:sns:${region}:${account}:${name}`);
    }
    default:
      return null;
  }
}

/** Dimension values and --function-name: "fn", "fn:alias", "fn:7", "123456789012:function:fn" or a full ARN. */
function lambdaFromReference(reference: string, region: string | null): Resource | null {
  if (reference.startsWith('arn:')) return resourceFromArn(reference);
  const name = /(?:^|:)function:([^:]+)/.exec(reference)?.[1] ?? reference.split(':')[0];
  return name ? withRegion({ type: 'lambda', name }, region) : null;
}

interface DimensionContext {
  namespace: string | null;
  region: string | null;
  partition: string;
}

/** See shared/aws-samples/02-dimensions-reference.md for which dimension names which resource. */
function resourceFromDimension(name: string, value: string, context: DimensionContext): Resource | null {
  const { namespace, region, partition } = context;
  switch (name) {
    case 'FunctionName':
      return lambdaFromReference(value, region);
    case 'Resource':
      // In AWS/ApiGateway "Resource" is a path such as /pets; only Lambda's names a function ("fn:alias").
      return namespace === 'AWS/Lambda' ? lambdaFromReference(value, region) : null;
    case 'ApiName':
      return withRegion({ type: 'apigateway', name: value }, region);
    case 'ApiId':
      // HTTP and WebSocket APIs are known by ID, not name; the ARN tells the specialist which lookup to use.
      return region
        ? { type: 'apigateway', name: value, arn: `arn:${partition}:apigateway:${region}::/apis/${value}`, region }
        : { type: 'apigateway', name: value };
    case 'TableName':
      return withRegion({ type: 'dynamodb', name: value }, region);
    case 'QueueName':
      return withRegion({ type: 'sqs', name: value }, region);
    case 'TopicName':
      return withRegion({ type: 'sns', name: value }, region);
    default:
      // StateMachineArn, and any custom dimension that holds an ARN.
      return value.startsWith('arn:') ? resourceFromArn(value) : null;
  }
}

/** One entry per resource: a later mention (an ARN) fills in what an earlier one (a dimension) lacked. */
function deduplicate(resources: Resource[]): Resource[] {
  const byKey = new Map<string, Resource>();
  for (const resource of resources) {
    const key = `${resource.type}\u0000${resource.name}`;
    const known = byKey.get(key);
    byKey.set(key, { ...resource, ...known });
  }
  return [...byKey.values()];
}

/**
 * The resources an alarm points at, from every dimension of its metrics and every ARN it mentions,
 * without calling AWS. Lambdas come first: most incidents end in a function.
 */
export function discoverResources(alarm: NormalizedAlarm): Resource[] {
  const partition = (alarm.arn && parseArn(alarm.arn)?.partition) || 'aws';
  const metrics = [{ namespace: alarm.namespace, dimensions: alarm.dimensions }, ...alarm.metrics];
  const fromDimensions = metrics.flatMap(({ namespace, dimensions }) =>
    Object.entries(dimensions).map(([name, value]) =>
      resourceFromDimension(name, value, { namespace, region: alarm.region, partition }),
    ),
  );
  // A sentence may end right after an ARN; its full stop is not part of the name.
  const fromText = [...alarm.reason.matchAll(ARN_IN_TEXT)].map((match) =>
    resourceFromArn(match[0].replace(/[.,;:]+$/, '')),
  );
  const resources = deduplicate(
    [...fromDimensions, ...fromText].filter((resource): resource is Resource => resource !== null),
  );
  return [
    ...resources.filter((resource) => resource.type === 'lambda'),
    ...resources.filter((resource) => resource.type !== 'lambda'),
  ];
}
