import { AlarmParseError } from './errors.js';

export const EXPECTED_ALARM_SHAPES =
  'expected a CloudWatch alarm: an EventBridge "CloudWatch Alarm State Change" event, an SNS alarm notification ' +
  '(AlarmName, NewStateValue), a Lambda alarm-action payload (alarmData), or an SNS envelope / SQS message / Lambda event holding one';

type JsonObject = Record<string, unknown>;

/** The alarm message itself, where it was found, and whether an SQS message carried it. */
export interface Unwrapped {
  message: JsonObject;
  where: string;
  viaSqs: boolean;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const excerpt = text.length > 60 ? `${text.slice(0, 60)}…` : text;
    throw new AlarmParseError(`${where} is not JSON (${JSON.stringify(excerpt)}); ${EXPECTED_ALARM_SHAPES}`);
  }
}

function onlyItem(items: unknown[], where: string): unknown {
  if (items.length !== 1) {
    throw new AlarmParseError(`${where} holds ${items.length} items; expected exactly one: pass one alarm message at a time`);
  }
  return items[0];
}

/** Peels the containers people paste or queues deliver until the alarm message itself is left. */
export function unwrapEnvelope(value: unknown, where: string, viaSqs: boolean): Unwrapped {
  const parsed = typeof value === 'string' ? parseJson(value, where) : value;
  if (!isObject(parsed)) {
    throw new AlarmParseError(`${where} is ${Array.isArray(parsed) ? 'an array' : typeof parsed}; ${EXPECTED_ALARM_SHAPES}`);
  }
  if (Array.isArray(parsed.Records)) {
    const recordWhere = `${where}.Records[0]`;
    const record = onlyItem(parsed.Records, `${where}.Records`);
    if (isObject(record) && isObject(record.Sns)) return unwrapEnvelope(record.Sns, `${recordWhere}.Sns`, viaSqs);
    if (isObject(record) && typeof record.body === 'string') return unwrapEnvelope(record.body, `${recordWhere}.body`, true);
    throw new AlarmParseError(
      `${recordWhere} is neither a Lambda SNS record (Sns.Message) nor a Lambda SQS record (body); found keys ${keysOf(record)}`,
    );
  }
  if (Array.isArray(parsed.Messages)) {
    return unwrapEnvelope(onlyItem(parsed.Messages, `${where}.Messages`), `${where}.Messages[0]`, viaSqs);
  }
  if (typeof parsed.Body === 'string' && 'MessageId' in parsed) {
    return unwrapEnvelope(parsed.Body, `${where}.Body`, true);
  }
  if (parsed.Type === 'Notification' && typeof parsed.Message === 'string') {
    return unwrapEnvelope(parsed.Message, `${where}.Message`, viaSqs);
  }
  return { message: parsed, where, viaSqs };
}

export function keysOf(value: unknown): string {
  if (!isObject(value)) return `none (${typeof value})`;
  const keys = Object.keys(value);
  const shown = keys.slice(0, 12).join(', ');
  return `[${keys.length > 12 ? `${shown}, …` : shown}]`;
}
