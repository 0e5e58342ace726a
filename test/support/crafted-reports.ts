import { manualAlarm } from '../../src/producer/manual-alarm.js';
import { type FailureKind, type OrchestratorType, type Report, ReportSchema, summarize } from '../../src/report/report.js';

export interface Craft {
  id?: string;
  status?: 'completed' | 'failed';
  error?: string;
  /** @defaultValue 'permanent' for a failed report */
  errorKind?: FailureKind;
  duration?: number;
  tokens?: number;
  llmCalls?: number;
  confidence?: number;
  facts?: number;
  hypotheses?: number;
  shadow?: boolean;
  startedAt?: string;
}

let serial = 0;

/** A report as a worker would publish it (validated by the real schema), with the numbers given. */
export function craftReport(type: OrchestratorType, craft: Craft = {}): Report {
  const status = craft.status ?? 'completed';
  const completed = status === 'completed';
  const confidence = craft.confidence ?? 0.8;
  const tokens = craft.tokens ?? 0;
  const base = {
    investigation_id: craft.id ?? `inv-${(serial += 1)}`,
    orchestrator_type: type,
    status,
    error: completed ? null : (craft.error ?? 'TypeError: Cannot read properties of undefined'),
    error_kind: completed ? null : (craft.errorKind ?? 'permanent'),
    started_at: craft.startedAt ?? '2024-03-12T10:20:00.000Z',
    duration_seconds: craft.duration ?? 1,
    alarm: manualAlarm('checkout-api', 'eu-west-1', new Date('2024-03-12T10:20:00Z')),
    resources: [{ type: 'lambda' as const, name: 'checkout-api' }],
    facts: Array.from({ length: craft.facts ?? 4 }, (_, index) => ({ source: 'lambda', content: `fact ${index}`, confidence: 0.9 })),
    hypotheses: Array.from({ length: craft.hypotheses ?? 2 }, () => ({
      type: 'timeout' as const,
      description: 'the function ran out of time',
      confidence,
      evidence: ['Task timed out after 3.00 seconds'],
    })),
    root_cause: completed ? { type: 'timeout' as const, description: 'the function ran out of time', confidence } : null,
    advice: [],
    usage: {
      llm_calls: craft.llmCalls ?? 0,
      prompt_tokens: Math.round(tokens * 0.8),
      completion_tokens: tokens - Math.round(tokens * 0.8),
      total_tokens: tokens,
    },
    ...(craft.shadow === undefined ? {} : { shadow: craft.shadow }),
  };
  return ReportSchema.parse({ ...base, summary: summarize(base) });
}

/** `count` reports of one orchestrator; `vary` gives each its numbers, e.g. a spread of durations. */
export function craftReports(type: OrchestratorType, count: number, vary: (index: number) => Craft = () => ({})): Report[] {
  return Array.from({ length: count }, (_, index) => craftReport(type, vary(index)));
}

/** A deterministic spread of ±20% around `value`, so percentiles and histograms have something to show. */
export function spread(value: number, index: number): number {
  return Number((value * (0.8 + (0.4 * ((index * 7) % 10)) / 10)).toFixed(3));
}

/** Healthy direct_invocation against agent_tools: every gate passes with room. */
export function healthyRollout(direct = 40, agent = 60): Report[] {
  return [
    ...craftReports('direct_invocation', direct, (i) => ({
      duration: spread(2, i),
      tokens: 1_500,
      llmCalls: 4,
      confidence: 0.86,
      facts: 5,
    })),
    ...craftReports('agent_tools', agent, (i) => ({ duration: spread(10, i), tokens: 6_000, llmCalls: 14, confidence: 0.8, facts: 4 })),
  ];
}
