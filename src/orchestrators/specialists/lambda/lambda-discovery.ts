import type { Resource } from '../../../report/report.js';
import type { DimensionContext, ResourceDiscovery } from '../resource-discovery.js';
import { functionArn, withQualifier } from './lambda-resource.js';

/** Dimension values and --function-name: "fn", "fn:alias", "fn:7", "123456789012:function:fn[:alias]" or a full ARN. */
function functionFromReference(reference: string, context: DimensionContext): Resource | null {
  if (reference.startsWith('arn:')) return context.resourceFromArn(reference);
  const [name, qualifier] = (/(?:^|:)function:(.+)$/.exec(reference)?.[1] ?? reference).split(':');
  return name ? withQualifier(context.resource(name), qualifier) : null;
}

/** Functions by name, alias or version, and by ARN; listed first, since most incidents end in a function. */
export const lambdaDiscovery: ResourceDiscovery = {
  dimensions: {
    FunctionName: functionFromReference,
    // In AWS/ApiGateway "Resource" is a path such as /pets; only Lambda's names a function ("fn:alias").
    Resource: (value, context) => (context.namespace === 'AWS/Lambda' ? functionFromReference(value, context) : null),
  },
  arn: {
    service: 'lambda',
    // Qualified ARNs (":alias", ":7") name a version of the function: the function, with its qualifier.
    read: ({ partition, region, account, resource }) => {
      const [, name, qualifier] = /^function:([^:]+)(?::([^:]+))?/.exec(resource) ?? [];
      if (!name) return null;
      const found = withQualifier({ name }, qualifier);
      return { ...found, arn: functionArn(partition, region, account, name, found.qualifier) };
    },
  },
  listedFirst: true,
};
