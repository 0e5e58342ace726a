import type { CompareResult } from './compare-result.js';
import { comparisonRows } from './comparison-rows.js';

/** Skipped entries listed in the table; `--json` lists them all. */
const MAX_SKIPPED_SHOWN = 20;

function alignColumns(rows: string[][], rightAligned: (column: number) => boolean): string[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (rightAligned(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('   ')
      .trimEnd(),
  );
}

export function describeSelection(result: CompareResult): string {
  const window = result.since ? `, started since ${result.since.from} (${result.since.value})` : '';
  return (
    `Read ${result.read.toLocaleString('en-US')} entries from ${result.source}${window}: ` +
    `${result.reports.toLocaleString('en-US')} reports compared, ${result.skipped.length} skipped, ` +
    `${result.outside_window} outside the window, ${result.left_out.reports.toLocaleString('en-US')} left out` +
    (result.left_out.reports > 0 ? ` (${result.left_out.reason}).` : '.')
  );
}

/** The readable output of `compare`: the table, the pairs, the verdict with its gates, what was skipped. */
export function formatComparison(result: CompareResult): string {
  const { comparison, verdict } = result;
  const table = [
    ['', 'direct_invocation', 'agent_tools', 'direct vs agent_tools'],
    ...comparisonRows(comparison).map((row) => [row.label, row.direct, row.agent, row.change]),
  ];
  const lines = [describeSelection(result), '', ...alignColumns(table, (column) => column === 1 || column === 2), ''];
  lines.push(
    `Pairs (both orchestrators on the same investigation): ${comparison.pairs}; shadow reports: ${comparison.shadow_reports}.`,
    `Investigations: ${comparison.investigations.toLocaleString('en-US')} in ${comparison.incidents.toLocaleString('en-US')} incidents (investigations of one resource within the related window are one incident).`,
    '',
    `Verdict at ${verdict.current_percentage}%: ${verdict.headline}`,
  );
  if (verdict.decision !== 'promote') lines.push(...verdict.reasons.map((reason) => `  - ${reason}`));
  lines.push(
    'Gates:',
    ...alignColumns(
      verdict.gates.map((gate) => [`  ${gate.status}`, gate.gate, gate.detail]),
      () => false,
    ),
  );
  if (result.skipped.length > 0) {
    lines.push('', `Skipped ${result.skipped.length} ${result.skipped.length === 1 ? 'entry' : 'entries'}:`);
    lines.push(...result.skipped.slice(0, MAX_SKIPPED_SHOWN).map((entry) => `  ${entry.location}: ${entry.reason}`));
    if (result.skipped.length > MAX_SKIPPED_SHOWN) {
      lines.push(`  … and ${result.skipped.length - MAX_SKIPPED_SHOWN} more (--json lists them all)`);
    }
  }
  return lines.join('\n');
}
