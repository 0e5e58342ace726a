import type { Logger } from 'winston';
import { errorMessage } from '../platform/errors.js';
import type { NormalizedAlarm } from '../producer/alarm.js';
import type { Resource } from '../report/report.js';
import type { AwsClients } from './aws/clients.js';
import { fetchAlarmChildren } from './facts/alarm-children.js';
import { discoverResources } from './resources.js';

/**
 * Resources named by the alarm itself, plus those of a composite alarm's children, whose metrics
 * the composite event does not carry. Discovery failing is logged and the investigation goes on
 * with what it has.
 */
export async function discoverAllResources(aws: AwsClients, alarm: NormalizedAlarm, log: Logger, warnings: string[]): Promise<Resource[]> {
  let withChildren = alarm;
  try {
    if (alarm.children.length > 0) {
      const children = await fetchAlarmChildren(aws, alarm.children);
      withChildren = { ...alarm, metrics: [...alarm.metrics, ...children] };
    }
  } catch (error) {
    const message = `Failed to extract resources: ${errorMessage(error)}`;
    log.warn(message);
    warnings.push(message);
  }
  try {
    return discoverResources(withChildren);
  } catch (error) {
    const message = `Failed to extract resources: ${errorMessage(error)}`;
    log.error(message);
    warnings.push(message);
    return [];
  }
}
