import { type SimMessage, textOf } from './chat-request.js';
import type { SimHypothesis } from './sim-judgement.js';

/** What the prompt asks the answer to look like. */
export interface AnswerInstructions {
  /** The JSON template, with `string`/`number`/`boolean` where values go; null when the prompt gives none. */
  shape: unknown;
  /** From "type is one of: a, b, c"; null when the prompt does not restrict it. */
  allowedTypes: string[] | null;
  /** From "at most N". */
  maxItems: number | null;
}

const PLACEHOLDERS = new Set(['string', 'number', 'integer', 'boolean']);
const BARE_PLACEHOLDER = /([:[,]\s*)(string|number|integer|boolean)(?=\s*[,\]}])/g;

/** The text from `start` to its matching closing brace, ignoring braces inside strings. */
function balancedObject(text: string, start: number): string | null {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(start, index + 1);
    }
  }
  return null;
}

/** The first `{"…"…}` in the text that reads as a template once bare type names are quoted. */
function shapeIn(text: string): unknown {
  for (let start = text.indexOf('{"'); start !== -1; start = text.indexOf('{"', start + 1)) {
    const candidate = balancedObject(text, start);
    if (!candidate) return null;
    try {
      return JSON.parse(candidate.replace(BARE_PLACEHOLDER, '$1"$2"'));
    } catch {
      // Not a template (an example, a fragment): look further on.
    }
  }
  return null;
}

export function readInstructions(messages: readonly SimMessage[]): AnswerInstructions {
  const instructions = messages
    .filter((message) => message.role === 'system' || message.role === 'developer')
    .map(textOf)
    .join('\n');
  const types = /type is one of:?\s*([a-z_]+(?:\s*,\s*[a-z_]+)*)/i.exec(instructions)?.[1];
  const maxItems = /at most (\d+)/i.exec(instructions)?.[1];
  return {
    shape: shapeIn(instructions),
    allowedTypes: types ? types.split(',').map((type) => type.trim()) : null,
    maxItems: maxItems ? Number(maxItems) : null,
  };
}

function isPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && PLACEHOLDERS.has(value);
}

function fillValue(template: unknown, key: string, current: SimHypothesis, all: readonly SimHypothesis[]): unknown {
  if (isPlaceholder(template)) {
    if (template === 'string') return key === 'type' || key === 'description' ? current[key] : '';
    if (template === 'boolean') return false;
    return key === 'confidence' ? current.confidence : 0;
  }
  if (Array.isArray(template)) {
    const item: unknown = template[0];
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) return all.map((h) => fillValue(item, key, h, all));
    return key === 'evidence' ? current.evidence : [];
  }
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([name, value]) => [name, fillValue(value, name, current, all)]));
  }
  return template;
}

/**
 * The template filled in: objects take their fields from the most likely hypothesis, arrays of
 * objects list every hypothesis. Without a template the answer is `{"hypotheses":[…]}`.
 */
export function fillShape(shape: unknown, hypotheses: readonly SimHypothesis[]): unknown {
  const [top] = hypotheses;
  if (!top || shape === null || typeof shape !== 'object') return { hypotheses };
  return fillValue(shape, '', top, hypotheses);
}
