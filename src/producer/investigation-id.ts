import { createHash, randomBytes } from 'node:crypto';
import { InputError } from '../platform/errors.js';
import type { NormalizedAlarm } from './alarm.js';

const ID_PREFIX = 'inv-';
const ID_HEX_CHARS = 24;

/**
 * CloudWatch writes times as "2019-10-02T17:20:48.551+0000" (SNS, EventBridge state.timestamp), the
 * EventBridge envelope as "...Z". Reducing both to one ISO-8601 UTC form lets the same transition
 * hash to the same ID whatever wire shape delivered it.
 * Returns null when `value` is not an ISO-8601 timestamp with a UTC offset.
 */
export function isoUtcOrNull(value: string): string | null {
  // Without an offset, Date would read local time, and replicas in different zones would disagree.
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const withColonOffset = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const time = new Date(withColonOffset);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

/**
 * The same transition (alarm, new state, state-change time) always gives the same ID, so a
 * duplicate delivery from SQS maps to the same BullMQ jobId; a new transition gives a new one.
 */
export function investigationIdFor(alarm: NormalizedAlarm): string {
  const time = isoUtcOrNull(alarm.time);
  if (time === null) {
    throw new InputError(
      `alarm "${alarm.name}" has time ${JSON.stringify(alarm.time)}: expected an ISO-8601 timestamp such as 2019-10-02T17:20:48.551+0000`,
    );
  }
  const identity = alarm.arn ?? `${alarm.name}@${alarm.region ?? ''}`;
  const digest = createHash('sha256')
    .update(JSON.stringify([identity, alarm.state, time]))
    .digest('hex');
  return ID_PREFIX + digest.slice(0, ID_HEX_CHARS);
}

export function manualInvestigationId(): string {
  return ID_PREFIX + randomBytes(ID_HEX_CHARS / 2).toString('hex');
}

const GIVEN_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * An ID given by a user becomes a BullMQ job id and a Redis key part: BullMQ refuses a ':' and
 * whole numbers, so check here and say what is allowed instead of failing at the queue.
 */
export function parseGivenInvestigationId(value: string): string {
  if (!GIVEN_ID.test(value) || /^\d+$/.test(value)) {
    throw new InputError(
      `--investigation-id ${JSON.stringify(value)} is not valid: allowed 1 to 128 letters, digits, '.', '_' or '-', not only digits`,
    );
  }
  return value;
}
