import type { NormalizedAlarm } from '../producer/alarm.js';
import type { Resource } from '../report/report.js';
import { SPECIALISTS, specialistFor } from './specialists/registry.js';
import type { ArnParts, DimensionContext, DimensionReader } from './specialists/resource-discovery.js';

const ARN = /^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$/;
const ARN_SERVICES = SPECIALISTS.flatMap((specialist) => (specialist.discovery.arn ? [specialist.discovery.arn.service] : []));
/** ARNs of the services the specialists know, wherever they appear in free text. */
const ARN_IN_TEXT = new RegExp(`arn:aws[a-z-]*:(?:${ARN_SERVICES.join('|')}):[^\\s"'(),\\]]+`, 'g');

function parseArn(text: string): ArnParts | null {
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
  for (const { type, discovery } of SPECIALISTS) {
    const found = discovery.arn?.service === arn.service ? discovery.arn.read(arn) : null;
    if (found) return withRegion({ type, ...found, arn: found.arn ?? text }, arn.region);
  }
  return null;
}

type MetricContext = Pick<DimensionContext, 'namespace' | 'region' | 'partition' | 'dimensions'>;

/** The specialists that read a dimension of this name, in registry order. */
function dimensionReaders(name: string): Array<{ type: string; read: DimensionReader }> {
  return SPECIALISTS.flatMap(({ type, discovery: { dimensions } }) => {
    const read = dimensions && Object.hasOwn(dimensions, name) ? dimensions[name] : undefined;
    return read ? [{ type, read }] : [];
  });
}

/** See test/fixtures/aws-samples/02-dimensions-reference.md for which dimension names which resource. */
function resourceFromDimension(name: string, value: string, metric: MetricContext): Resource | null {
  const readers = dimensionReaders(name);
  // StateMachineArn, and any custom dimension that holds an ARN.
  if (readers.length === 0) return value.startsWith('arn:') ? resourceFromArn(value) : null;
  for (const { type, read } of readers) {
    const found = read(value, {
      ...metric,
      resource: (resourceName, arn) => withRegion({ type, name: resourceName, ...(arn ? { arn } : {}) }, metric.region),
      resourceFromArn,
    });
    if (found) return found;
  }
  return null;
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
 * without calling AWS; those of specialists that are listed first come first.
 */
export function discoverResources(alarm: NormalizedAlarm): Resource[] {
  const partition = (alarm.arn && parseArn(alarm.arn)?.partition) || 'aws';
  const metrics = [{ namespace: alarm.namespace, dimensions: alarm.dimensions }, ...alarm.metrics];
  const fromDimensions = metrics.flatMap(({ namespace, dimensions }) =>
    Object.entries(dimensions).map(([name, value]) =>
      resourceFromDimension(name, value, { namespace, region: alarm.region, partition, dimensions }),
    ),
  );
  // A sentence may end right after an ARN; its full stop is not part of the name.
  const fromText = [...alarm.reason.matchAll(ARN_IN_TEXT)].map((match) => resourceFromArn(match[0].replace(/[.,;:]+$/, '')));
  const resources = deduplicate([...fromDimensions, ...fromText].filter((resource): resource is Resource => resource !== null));
  const listedFirst = (resource: Resource) => specialistFor(resource.type).discovery.listedFirst ?? false;
  return [...resources.filter(listedFirst), ...resources.filter((resource) => !listedFirst(resource))];
}
