import { SPECIALISTS } from '../specialists/registry.js';
import { type SimMessage, textOf } from './chat-request.js';

/** What the simulated model reads as evidence: user and tool messages, never the system prompt or tool schemas. */
export interface QuotedData {
  /** The raw text of each user and tool message. */
  texts: string[];
  /** The JSON each of them holds (whole, or between its first `{` and last `}` as in `<facts>{…}</facts>`). */
  documents: unknown[];
  /** Every string inside those documents, and every line of text that held no JSON: the quotable evidence. */
  leaves: string[];
  /** Every number inside those documents with the key it sits under, such as `throttles: 55`. */
  figures: Array<{ key: string; value: number }>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function documentIn(text: string): unknown {
  const whole = parseJson(text);
  if (whole !== undefined) return whole;
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  return start !== -1 && end > start ? parseJson(text.slice(start, end + 1)) : undefined;
}

function collect(value: unknown, key: string, data: QuotedData): void {
  if (typeof value === 'string') data.leaves.push(value);
  else if (typeof value === 'number') data.figures.push({ key, value });
  else if (Array.isArray(value)) for (const item of value) collect(item, key, data);
  else if (value !== null && typeof value === 'object') for (const [name, item] of Object.entries(value)) collect(item, name, data);
}

export function quotedData(messages: readonly SimMessage[]): QuotedData {
  const data: QuotedData = { texts: [], documents: [], leaves: [], figures: [] };
  for (const message of messages) {
    if (message.role !== 'user' && message.role !== 'tool') continue;
    const text = textOf(message);
    data.texts.push(text);
    const document = documentIn(text);
    if (document === undefined) {
      data.leaves.push(...text.split('\n').filter((line) => line.trim() !== ''));
    } else {
      data.documents.push(document);
      collect(document, '', data);
    }
  }
  return data;
}

/** A quoted `"<type>:<name>"` of a type the registry knows. */
const RESOURCE_REFERENCE = new RegExp(`"(${SPECIALISTS.map((specialist) => specialist.type).join('|')}):([^"\\\\]+)"`, 'g');

/** `"lambda:orders-api"`-style references in the data, by resource type, in order of first mention. */
export function resourceReferences(data: QuotedData): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const text of data.texts) {
    for (const [, type = '', name = ''] of text.matchAll(RESOURCE_REFERENCE)) {
      const names = byType.get(type) ?? [];
      if (!names.includes(name)) names.push(name);
      byType.set(type, names);
    }
  }
  return byType;
}
