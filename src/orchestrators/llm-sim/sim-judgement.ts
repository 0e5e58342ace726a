import { clip } from '../clip.js';
import type { QuotedData } from './quoted-data.js';

export interface SimHypothesis {
  type: string;
  description: string;
  confidence: number;
  evidence: string[];
}

interface KeywordRule {
  type: string;
  /** Tested on each quoted string: the signal kinds our fact tools emit, and the raw words of AWS logs. */
  pattern: RegExp;
  /** Tested on each quoted number, by the key it sits under. */
  figure?: (key: string, value: number) => boolean;
  /** Tested on the quoted numbers together, for what only two figures side by side show. */
  across?: (figures: QuotedData['figures']) => string | null;
  finding: string;
}

/** As a diligent reader compares them: the longest duration quoted against the timeout quoted (`timeout_s`). */
function durationsAtTimeout(figures: QuotedData['figures']): string | null {
  const timeoutS = figures.find(({ key }) => key === 'timeout_s')?.value;
  const longest = Math.max(0, ...figures.filter(({ key }) => key === 'max_duration_ms').map(({ value }) => value));
  return timeoutS && longest >= 0.95 * timeoutS * 1000 ? `max_duration_ms = ${longest} against timeout_s = ${timeoutS}` : null;
}

/**
 * In order of specificity: a call denied by IAM explains an init that fails on it; a function that
 * cannot start, runs out of memory or lacks a setting explains the errors and timeouts seen with
 * it, so those rank first when several match.
 */
const KEYWORD_RULES: readonly KeywordRule[] = [
  { type: 'permission_denied', pattern: /^access_denied$|AccessDenied|not authorized to perform/i, finding: 'a call is denied by IAM' },
  {
    type: 'init_error',
    pattern: /^init_error$|Runtime\.ImportModuleError|Runtime\.HandlerNotFound|Cannot find module/i,
    finding: 'the function fails to initialise',
  },
  {
    type: 'out_of_memory',
    pattern: /^out_of_memory$|Runtime\.OutOfMemory|heap out of memory|MemoryError|signal: killed/i,
    finding: 'the function runs out of memory',
  },
  {
    type: 'configuration_error',
    // Case matters for the KeyError: an UPPER_SNAKE key is an environment variable, `customer_id` is a bug.
    pattern:
      /^missing_configuration$|[Ee]nvironment variable \S+ (?:is )?(?:not set|missing|undefined|empty)|KeyError: '[A-Z][A-Z0-9]*_[A-Z0-9_]+'/,
    finding: 'a setting the code needs is missing or wrong',
  },
  {
    type: 'throttling',
    // Not "Rate exceeded": every AWS API's throttle says it (SSM, KMS …), which is a dependency's.
    pattern: /^throttled$|TooManyRequestsException|ConcurrentInvocationLimitExceeded/i,
    figure: (key, value) => (key === 'throttles' && value > 0) || (key === 'reserved_concurrency' && value === 0),
    finding: 'the function is throttled',
  },
  {
    type: 'timeout',
    pattern: /^timeout$|Task timed out|Status: timeout|Endpoint request timed out|States\.Timeout/i,
    across: durationsAtTimeout,
    finding: 'a call runs into its timeout',
  },
  {
    type: 'downstream_error',
    pattern:
      /^downstream_\w+$|ProvisionedThroughputExceeded|ThrottledRequests|ECONNREFUSED|ETIMEDOUT|ServiceUnavailable|Bad Gateway|Gateway Timeout/i,
    finding: 'a dependency fails or throttles',
  },
  {
    type: 'code_error',
    pattern: /^unhandled_exception$|Runtime\.Unhandled|Uncaught|TypeError|ReferenceError|Traceback/i,
    finding: 'the code throws an unhandled exception',
  },
];

const CONFIDENCE_BY_RANK = [0.8, 0.6, 0.45, 0.35];
const MAX_EVIDENCE = 2;
const MAX_EVIDENCE_CHARS = 200;
const STATED_KEYS = ['rule_hypotheses', 'hypotheses'];

/** Quoted strings that back a type, skipping the bare signal-kind labels, which prove nothing by themselves. */
function evidenceFor(type: string, data: QuotedData): string[] {
  const rule = KEYWORD_RULES.find((r) => r.type === type);
  if (!rule) return [];
  const quotes = data.leaves
    .filter((leaf) => rule.pattern.test(leaf) && /\s/.test(leaf.trim()))
    .map((leaf) => clip(leaf, MAX_EVIDENCE_CHARS));
  const figures = data.figures.filter(({ key, value }) => rule.figure?.(key, value)).map(({ key, value }) => `${key} = ${value}`);
  const compared = rule.across?.(data.figures);
  return [...new Set([...quotes, ...figures, ...(compared ? [compared] : [])])].slice(0, MAX_EVIDENCE);
}

function matches(rule: KeywordRule, data: QuotedData): boolean {
  return (
    data.leaves.some((leaf) => rule.pattern.test(leaf)) ||
    data.figures.some(({ key, value }) => rule.figure?.(key, value)) ||
    (rule.across?.(data.figures) ?? null) !== null
  );
}

function asStated(item: unknown, allowed: readonly string[]): SimHypothesis | null {
  if (item === null || typeof item !== 'object') return null;
  const { type, confidence, description, evidence } = item as Record<string, unknown>;
  if (typeof type !== 'string' || !allowed.includes(type) || typeof confidence !== 'number') return null;
  return {
    type,
    confidence,
    description: typeof description === 'string' ? description : type,
    evidence: Array.isArray(evidence) ? evidence.filter((e): e is string => typeof e === 'string') : [],
  };
}

/** Hypotheses the data already states (rules' `rule_hypotheses`, specialists' `hypotheses`), wherever they sit. */
function statedHypotheses(value: unknown, allowed: readonly string[], into: SimHypothesis[]): void {
  if (Array.isArray(value)) {
    for (const item of value) statedHypotheses(item, allowed, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (STATED_KEYS.includes(key) && Array.isArray(child)) {
        into.push(...child.map((item) => asStated(item, allowed)).filter((h): h is SimHypothesis => h !== null));
      } else {
        statedHypotheses(child, allowed, into);
      }
    }
  }
}

/** One per type, at the highest confidence stated for it, with the union of their evidence. */
function mergeByType(hypotheses: readonly SimHypothesis[]): SimHypothesis[] {
  const byType = new Map<string, SimHypothesis>();
  for (const hypothesis of hypotheses) {
    const known = byType.get(hypothesis.type);
    const evidence = [...new Set([...(known?.evidence ?? []), ...hypothesis.evidence])];
    byType.set(hypothesis.type, known && known.confidence >= hypothesis.confidence ? { ...known, evidence } : { ...hypothesis, evidence });
  }
  return [...byType.values()].sort((a, b) => b.confidence - a.confidence);
}

/** Rules state no evidence of their own; quote the data that backs them, or at least say what was claimed. */
function withEvidence(hypothesis: SimHypothesis, data: QuotedData): SimHypothesis {
  if (hypothesis.evidence.length > 0) return hypothesis;
  const quotes = evidenceFor(hypothesis.type, data);
  return { ...hypothesis, evidence: quotes.length > 0 ? quotes : [hypothesis.description] };
}

function fromKeywords(data: QuotedData, allowed: readonly string[]): SimHypothesis[] {
  const matched = KEYWORD_RULES.filter((rule) => allowed.includes(rule.type) && matches(rule, data));
  return matched.slice(0, CONFIDENCE_BY_RANK.length).map((rule, rank) => {
    const evidence = evidenceFor(rule.type, data);
    return {
      type: rule.type,
      description: evidence[0] ? `${rule.finding}: ${evidence[0]}` : rule.finding,
      confidence: CONFIDENCE_BY_RANK[rank] ?? 0.3,
      evidence,
    };
  });
}

/**
 * The simulated model's conclusion. It follows the conversation: hypotheses the data states are
 * echoed (the highest confidence per type, quoting the data that backs them); without any, quoted
 * strings are classified by keyword and a few figures (throttles, reserved concurrency) are read.
 * Deterministic, so tests and benchmarks are stable.
 */
export function judge(data: QuotedData, allowed: readonly string[]): SimHypothesis[] {
  const stated: SimHypothesis[] = [];
  for (const document of data.documents) statedHypotheses(document, allowed, stated);
  if (stated.length > 0) {
    return mergeByType(stated).map((hypothesis) => withEvidence(hypothesis, data));
  }
  const found = fromKeywords(data, allowed);
  if (found.length > 0) return found;
  const unknown = allowed.includes('unknown') ? 'unknown' : (allowed[0] ?? 'unknown');
  return [{ type: unknown, description: 'no quoted fact points to a cause', confidence: 0.2, evidence: [] }];
}
