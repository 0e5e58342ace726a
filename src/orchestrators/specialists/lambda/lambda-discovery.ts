import type { Resource } from '../../../report/report.js';
import type { DimensionContext, ResourceDiscovery } from '../resource-discovery.js';

/** Dimension values and --function-name: "fn", "fn:alias", "fn:7", "123456789012:function:fn" or a full ARN. */
function functionFromReference(reference: string, context: DimensionContext): Resource | null {
  if (reference.startsWith('arn:')) return context.resourceFromArn(reference);
  const name = /(?:^|:)function:([^:]+)/.exec(reference)?.[1] ?? reference.split(':')[0];
  return name ? context.resource(name) : null;
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
    // Qualified ARNs (":alias", ":7") name a version of the same function; report the function.
    read: ({ partition, region, account, resource }) => {
      const name = /^function:([^:]+)/.exec(resource)?.[1];
      return name ? { name, arn: `arn:${partition}:lambda:${region}:${account}:function:${name}` } : null;
    },
  },
  listedFirst: true,
};
