import type { Resource } from '../../report/report.js';
import type { AwsClients } from '../aws/clients.js';
import type { TimeWindow } from '../investigation-window.js';

/** The parts of an ARN: `arn:<partition>:<service>:<region>:<account>:<resource>`. */
export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** What a dimension reader knows besides the dimension's value. */
export interface DimensionContext {
  /** The namespace of the metric the dimension belongs to. */
  namespace: string | null;
  /** The alarm's region, when the alarm says. */
  region: string | null;
  /** The alarm's partition (`aws`, `aws-cn` …), for ARNs built from names. */
  partition: string;
  /** Every dimension of the metric, for readers that need a neighbour (`Stage` beside `ApiName`). */
  dimensions: Readonly<Record<string, string>>;
  /** A resource of the reading specialist's type, in the alarm's region. */
  resource(name: string, arn?: string): Resource;
  /** The resource an ARN names, of whichever type the registry reads it as. */
  resourceFromArn(arn: string): Resource | null;
}

/** The resource one dimension value names, or null when it names none. */
export type DimensionReader = (value: string, context: DimensionContext) => Resource | null;

/** For dimensions whose value is the resource's name (`TableName`, `QueueName` …). */
export const nameDimension: DimensionReader = (value, { resource }) => resource(value);

export interface ArnReader {
  /** The service part of the ARNs read: `lambda` in `arn:aws:lambda:…`. */
  readonly service: string;
  /**
   * The resource the ARN names, null when it names something else of the service. `arn` is the
   * resource's own ARN when it differs from the text; `qualifier` the part of it the ARN names
   * (a function's alias or version).
   */
  read(arn: ArnParts): { name: string; arn?: string; qualifier?: string } | null;
}

/**
 * How a specialist finds its resources in an alarm, without calling AWS. When several
 * specialists read the same dimension or service, the first in the registry that finds a
 * resource has it.
 */
export interface ResourceDiscovery {
  /** Metric dimensions that may name a resource of this type, by dimension name. */
  readonly dimensions?: Readonly<Record<string, DimensionReader>>;
  /** ARNs of one service, in dimension values and in the alarm's reason. */
  readonly arn?: ArnReader;
  /**
   * List these resources before all others: the lead's brief names them first, and advice is
   * about the first resource read.
   * @defaultValue false
   */
  readonly listedFirst?: boolean;
  /**
   * The resources behind one of this type, read from AWS: an API's integrations, a queue's
   * consumers and dead-letter sources, a state machine's failing tasks. Each carries `via`.
   */
  follow?(aws: AwsClients, resource: Resource, window: TimeWindow): Promise<FollowedResources>;
}

export interface FollowedResources {
  /** Found behind the resource, each with `via`. */
  resources: Resource[];
  /** Reads that failed: what is behind may be more than `resources`. */
  failures: unknown[];
}
