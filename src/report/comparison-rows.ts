import type { Comparison, OrchestratorStats } from './comparison.js';

/** One line of the side-by-side table, already formatted, shared by the text table and the HTML page. */
export interface ComparisonRow {
  label: string;
  direct: string;
  agent: string;
  /** How direct_invocation does against agent_tools, or '' where that says nothing. */
  change: string;
}

const NONE = '–';
const decimals = (digits: number) => (value: number | null | undefined) =>
  value === null || value === undefined ? NONE : value.toFixed(digits);
const seconds = (value: number | undefined) => (value === undefined ? NONE : `${value.toFixed(2)} s`);
const whole = (value: number | null) => (value === null ? NONE : Math.round(value).toLocaleString('en-US'));
const count = (value: number) => value.toLocaleString('en-US');
const share = (value: number | null) => (value === null ? NONE : `${(value * 100).toFixed(1)}%`);

/** "78.6% faster" for a reduction of 0.786, "12.0% slower" for -0.12. */
function change(reduction: number | null, better: string, worse: string): string {
  if (reduction === null) return '';
  return `${(Math.abs(reduction) * 100).toFixed(1)}% ${reduction >= 0 ? better : worse}`;
}

function signed(delta: number | null, digits: number): string {
  if (delta === null) return '';
  const shown = Math.abs(delta).toFixed(digits);
  if (Number(shown) === 0) return shown;
  return `${delta > 0 ? '+' : '−'}${shown}`;
}

export function comparisonRows(comparison: Comparison): ComparisonRow[] {
  const { direct_invocation: direct, agent_tools: agent, improvement } = comparison;
  const row = (label: string, value: (stats: OrchestratorStats) => string, changeText = ''): ComparisonRow => ({
    label,
    direct: value(direct),
    agent: value(agent),
    change: changeText,
  });
  const faster = change(improvement.duration_p50_reduction, 'faster', 'slower');
  const speedup = improvement.speedup_p50 === null ? '' : ` (${improvement.speedup_p50.toFixed(1)}×)`;
  return [
    row('reports', (s) => count(s.reports)),
    row('completed / failed', (s) => `${count(s.completed)} / ${count(s.failed)}`),
    row('shadow reports', (s) => count(s.shadow)),
    row('error rate', (s) => share(s.error_rate)),
    row('duration p50', (s) => seconds(s.duration_seconds?.p50), faster && `${faster}${speedup}`),
    row('duration p95', (s) => seconds(s.duration_seconds?.p95)),
    row('duration mean', (s) => seconds(s.duration_seconds?.mean), change(improvement.duration_mean_reduction, 'faster', 'slower')),
    row('tokens mean', (s) => whole(s.total_tokens_mean), change(improvement.tokens_mean_reduction, 'fewer', 'more')),
    row('LLM calls mean', (s) => decimals(1)(s.llm_calls_mean), change(improvement.llm_calls_mean_reduction, 'fewer', 'more')),
    row('confidence mean', (s) => decimals(2)(s.root_cause_confidence_mean), signed(improvement.confidence_mean_delta, 2)),
    row('facts mean', (s) => decimals(1)(s.facts_mean), signed(improvement.facts_mean_delta, 1)),
    row('hypotheses mean', (s) => decimals(1)(s.hypotheses_mean)),
  ];
}
