import type { Logger } from 'winston';
import { errorMessage } from '../platform/errors.js';
import type { NormalizedAlarm } from '../producer/alarm.js';
import type { Resource } from '../report/report.js';
import type { AwsClients } from './aws/clients.js';
import { fetchAlarmChildren } from './facts/alarm-children.js';
import { followResources } from './follow-resources.js';
import type { TimeWindow } from './investigation-window.js';
import { discoverResources } from './resources.js';

export interface Discovery {
  /** The alarm with its composite children's metrics among `metrics`: what the specialists judge. */
  alarm: NormalizedAlarm;
  resources: Resource[];
}

/** How a failure of discovery is told in `warnings`. */
export function discoveryWarning(error: unknown): string {
  return `Failed to extract resources: ${errorMessage(error)}`;
}

function warn(log: Logger, warnings: string[], error: unknown): void {
  const message = discoveryWarning(error);
  log.warn(message);
  warnings.push(message);
}

/**
 * Resources named by the alarm itself (`via: alarm`), those of a composite alarm's children
 * (`composite child`), whose metrics the composite event does not carry, and the resources behind
 * them that their specialists follow to. Discovery failing is logged and the investigation goes
 * on with what it has.
 */
export async function discoverAllResources(
  aws: AwsClients,
  alarm: NormalizedAlarm,
  window: TimeWindow,
  log: Logger,
  warnings: string[],
): Promise<Discovery> {
  let withChildren = alarm;
  try {
    if (alarm.children.length > 0) {
      const children = await fetchAlarmChildren(aws, alarm.children);
      withChildren = { ...alarm, metrics: [...alarm.metrics, ...children] };
    }
  } catch (error) {
    warn(log, warnings, error);
  }
  let named: Resource[];
  try {
    const own = new Set(discoverResources(alarm).map((r) => `${r.type}\u0000${r.name}`));
    named = discoverResources(withChildren).map((r) => ({ ...r, via: own.has(`${r.type}\u0000${r.name}`) ? 'alarm' : 'composite child' }));
  } catch (error) {
    warn(log, warnings, error);
    return { alarm: withChildren, resources: [] };
  }
  const { resources, failures } = await followResources(aws, named, window);
  for (const failure of failures) warn(log, warnings, failure);
  return { alarm: withChildren, resources };
}
