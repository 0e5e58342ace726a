import { type Comparison, compareOrchestrators } from './comparison.js';
import { type CollectedReports, NEVER_INVESTIGATED_REASON, type SkippedEntry } from './report-collection.js';
import { type Verdict, verdictFor } from './verdict.js';

/** Everything `compare` found: what `--json` prints and what the table and the HTML page show. */
export interface CompareResult {
  generated_at: string;
  /** Where the reports came from: the results queue or the files given. */
  source: string;
  /** The `--since` value and the start of its window, or null for all reports. */
  since: { value: string; from: string } | null;
  /** Entries looked at; `reports` of them counted, the rest skipped, outside the window or left out. */
  read: number;
  reports: number;
  outside_window: number;
  /** Valid reports of jobs that never ran an orchestrator, in neither orchestrator's statistics or gates. */
  left_out: { reports: number; reason: string };
  skipped: SkippedEntry[];
  comparison: Comparison;
  verdict: Verdict;
}

export interface CompareContext {
  source: string;
  since: { value: string; from: Date } | null;
  currentPercentage: number;
  now: Date;
}

export function compareResult(collected: CollectedReports, context: CompareContext): CompareResult {
  const comparison = compareOrchestrators(collected.reports);
  return {
    generated_at: context.now.toISOString(),
    source: context.source,
    since: context.since && { value: context.since.value, from: context.since.from.toISOString() },
    read: collected.read,
    reports: collected.reports.length,
    outside_window: collected.outside_window,
    left_out: { reports: collected.never_investigated, reason: NEVER_INVESTIGATED_REASON },
    skipped: collected.skipped,
    comparison,
    verdict: verdictFor(comparison, context.currentPercentage),
  };
}
