import type { CompareResult } from './compare-result.js';
import type { ComparedReport } from './compared-report.js';
import { comparisonRows } from './comparison-rows.js';
import { describeSelection } from './format-comparison.js';
import { escapeHtml } from './html-escape.js';
import { ORCHESTRATOR_TYPES, type OrchestratorType } from './report.js';
import { type BarSeries, barChartSvg } from './svg-bar-chart.js';
import { PROMOTION_GATES } from './verdict.js';

export const ORCHESTRATOR_COLORS: Record<OrchestratorType, string> = {
  direct_invocation: '#2563eb',
  agent_tools: '#ea580c',
};

/** Durations spread over at most this many doubling bins (the first, "< x", takes everything shorter). */
const MAX_DURATION_BINS = 12;
const CONFIDENCE_BINS = 10;

/**
 * Counts of `values` per bin between consecutive `edges` (ascending; a bin holds its lower edge).
 * Values below the first edge count in the first bin, values at or above the last in the last one.
 */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  const counts = new Array<number>(Math.max(1, edges.length - 1)).fill(0);
  for (const value of values) {
    const above = edges.findIndex((edge) => edge > value);
    const bin = Math.min(counts.length - 1, Math.max(0, (above === -1 ? edges.length : above) - 1));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts;
}

/**
 * Doubling edges (…, 0.5, 1, 2, 4, … seconds) around the durations: direct_invocation is meant to
 * be several times faster, and on a linear axis wide enough for agent_tools it would fill one bin.
 */
export function doublingEdges(values: readonly number[]): number[] {
  // A loop, not Math.max(...values): spreading a million values as arguments overflows the stack.
  let smallest = Number.POSITIVE_INFINITY;
  let largest = 0;
  for (const value of values) {
    if (value <= 0) continue;
    smallest = Math.min(smallest, value);
    largest = Math.max(largest, value);
  }
  if (largest === 0) return [0, 1];
  const high = Math.ceil(Math.log2(largest) + 1e-9);
  const low = Math.max(high - MAX_DURATION_BINS, Math.floor(Math.log2(smallest)));
  return Array.from({ length: Math.max(1, high - low) + 1 }, (_, index) => 2 ** (low + index));
}

const completedOf = (reports: readonly ComparedReport[], type: OrchestratorType) =>
  reports.filter((report) => report.orchestrator_type === type && report.status === 'completed');

/** One series per orchestrator, each a share (%) of its own completed reports: samples differ in size. */
function shareSeries(reports: readonly ComparedReport[], counts: (completed: ComparedReport[]) => number[]): BarSeries[] {
  return ORCHESTRATOR_TYPES.map((type) => {
    const completed = completedOf(reports, type);
    return {
      name: type,
      color: ORCHESTRATOR_COLORS[type],
      values: counts(completed).map((count) => (completed.length === 0 ? 0 : (count / completed.length) * 100)),
    };
  });
}

const percentLabel = (value: number) => `${Math.round(value)}%`;

function durationChart(reports: readonly ComparedReport[]): string {
  const edges = doublingEdges(reports.filter((report) => report.status === 'completed').map((report) => report.duration_seconds));
  return barChartSvg({
    id: 'chart-duration',
    title: 'Duration of completed investigations (seconds)',
    categories: edges.slice(1).map((upper, index) => (index === 0 ? `< ${upper}` : `${edges[index]}–${upper}`)),
    series: shareSeries(reports, (completed) =>
      histogram(
        completed.map((r) => r.duration_seconds),
        edges,
      ),
    ),
    yLabel: 'share of investigations',
    formatValue: percentLabel,
  });
}

function tokensChart(result: CompareResult): string {
  const mean = (value: number | null) => value ?? 0;
  return barChartSvg({
    id: 'chart-tokens',
    title: 'Mean tokens per completed investigation',
    categories: ['prompt tokens', 'completion tokens', 'total tokens'],
    series: ORCHESTRATOR_TYPES.map((type) => {
      const stats = result.comparison[type];
      return {
        name: type,
        color: ORCHESTRATOR_COLORS[type],
        values: [stats.prompt_tokens_mean, stats.completion_tokens_mean, stats.total_tokens_mean].map(mean),
      };
    }),
    yLabel: 'tokens',
    formatValue: (value) => Math.round(value).toLocaleString('en-US'),
  });
}

function confidenceChart(reports: readonly ComparedReport[]): string {
  const edges = Array.from({ length: CONFIDENCE_BINS + 1 }, (_, index) => index / CONFIDENCE_BINS);
  return barChartSvg({
    id: 'chart-confidence',
    title: 'Root-cause confidence of completed investigations',
    categories: edges.slice(1).map((upper, index) => `${edges[index]?.toFixed(1)}–${upper.toFixed(1)}`),
    series: shareSeries(reports, (completed) =>
      histogram(
        completed.map((r) => r.root_cause?.confidence ?? 0),
        edges,
      ),
    ),
    yLabel: 'share of investigations',
    formatValue: percentLabel,
    marker: { beforeCategory: PROMOTION_GATES.minConfidence * CONFIDENCE_BINS, label: `gate ${PROMOTION_GATES.minConfidence.toFixed(2)}` },
  });
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #111827; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: 0.25rem 0.75rem; border-bottom: 1px solid #e5e7eb; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { padding: 0.75rem 1rem; border-left: 6px solid; margin: 1rem 0; }
.verdict-promote { border-color: #16a34a; background: #f0fdf4; }
.verdict-hold { border-color: #ca8a04; background: #fefce8; }
.verdict-roll_back { border-color: #dc2626; background: #fef2f2; }
.status-pass { color: #15803d; } .status-fail { color: #b91c1c; } .status-not_judged { color: #a16207; }
figure { margin: 1.5rem 0; } figcaption { font-weight: 600; margin-bottom: 0.5rem; } svg.chart { max-width: 100%; height: auto; }
.meta { color: #4b5563; }
`;

function statsTable(result: CompareResult): string {
  const rows = comparisonRows(result.comparison)
    .map(
      (row) =>
        `<tr><th>${escapeHtml(row.label)}</th><td class="number">${escapeHtml(row.direct)}</td>` +
        `<td class="number">${escapeHtml(row.agent)}</td><td>${escapeHtml(row.change)}</td></tr>`,
    )
    .join('');
  return `<table class="stats"><thead><tr><th></th><th>direct_invocation</th><th>agent_tools</th><th>direct vs agent_tools</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function gatesTable(result: CompareResult): string {
  const rows = result.verdict.gates
    .map(
      (gate) =>
        `<tr><td class="status-${gate.status}">${gate.status}</td><td>${gate.gate}</td><td>${gate.kind}</td><td>${escapeHtml(gate.detail)}</td></tr>`,
    )
    .join('');
  return `<table class="gates"><thead><tr><th>status</th><th>gate</th><th>kind</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function skippedList(result: CompareResult): string {
  if (result.skipped.length === 0) return '';
  const items = result.skipped.map((entry) => `<li>${escapeHtml(`${entry.location}: ${entry.reason}`)}</li>`).join('');
  return `<details><summary>${result.skipped.length} entries skipped</summary><ul>${items}</ul></details>`;
}

/**
 * One self-contained page (inline CSS and SVG, no script, nothing fetched) that an operator opens
 * or attaches to a change ticket: the verdict with its reasons, the side-by-side table, the gates,
 * and charts of duration, tokens and confidence by orchestrator.
 */
export function renderComparePage(result: CompareResult, reports: readonly ComparedReport[]): string {
  const { verdict, comparison } = result;
  const reasons = verdict.reasons.map((reason) => `<li>${escapeHtml(reason)}</li>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PromptRCA compare: ${escapeHtml(verdict.headline)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>direct_invocation vs agent_tools</h1>
<p class="meta">${escapeHtml(describeSelection(result))} Generated ${escapeHtml(result.generated_at)}.</p>
<section class="verdict verdict-${verdict.decision}" id="verdict">
<h2>Verdict at ${verdict.current_percentage}%: ${escapeHtml(verdict.headline)}</h2>
<ul>${reasons}</ul>
</section>
${statsTable(result)}
<p>Pairs (both orchestrators on the same investigation): ${comparison.pairs}; shadow reports: ${comparison.shadow_reports}.</p>
<p>Investigations: ${comparison.investigations} in ${comparison.incidents} incidents (investigations of one resource within the related window are one incident).</p>
<h2>Gates</h2>
${gatesTable(result)}
<h2>Charts</h2>
<figure><figcaption>Duration distribution: share of each orchestrator's completed investigations per duration range (seconds, doubling)</figcaption>${durationChart(reports)}</figure>
<figure><figcaption>Mean tokens per completed investigation</figcaption>${tokensChart(result)}</figure>
<figure><figcaption>Root-cause confidence distribution; the dashed line is the ${PROMOTION_GATES.minConfidence.toFixed(2)} gate on the mean</figcaption>${confidenceChart(reports)}</figure>
${skippedList(result)}
</body>
</html>
`;
}
