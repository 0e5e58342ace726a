import type { z } from 'zod';
import { type ComparedReport, comparedReport } from './compared-report.js';
import { type Report, ReportSchema } from './report.js';

export const NEVER_INVESTIGATED_REASON =
  "reports of jobs that never ran an orchestrator: malformed job data on the investigations queue (another program's), " +
  'counted for neither orchestrator';

/**
 * The worker's report of a job it could not even start investigating. Every orchestrator run has an
 * alarm, so a report without one never ran; a malformed job whose alarm happens to parse (a wrong
 * investigation_id, say) is recognised by the kind the worker files its error with.
 */
export function neverInvestigated(report: Report): boolean {
  return report.alarm === null || report.error_kind === 'malformed_job';
}

/** An entry read from a file or the results queue that does not count, and why. */
export interface SkippedEntry {
  /** `file.jsonl line 4`, `file.json element 2`, `results job <id>`. */
  location: string;
  reason: string;
}

export interface CollectedReports {
  /** What comparison reads of each report counted (see ComparedReport). */
  reports: ComparedReport[];
  skipped: SkippedEntry[];
  /** Valid reports that started before the `--since` window. */
  outside_window: number;
  /** Valid reports left out as never investigated (see neverInvestigated). */
  never_investigated: number;
  /** Entries looked at, whatever became of them. */
  read: number;
}

export interface CollectionOptions {
  /** Only reports whose started_at is at or after this count; null for all. */
  since: Date | null;
  /** Called every `progressEvery` entries with the number read so far. @defaultValue none */
  onProgress?: (read: number) => void;
  /** @defaultValue 1000 */
  progressEvery?: number;
}

function firstProblem(error: z.ZodError): string {
  const [issue] = error.issues;
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `not a report: ${where}${issue?.message ?? 'invalid'}${more}`;
}

/**
 * Gathers the reports to compare from wherever they are read: validates each entry against the
 * report schema, keeps those inside the `--since` window, counts a report once however often it is
 * read (overlapping files, a report also in the queue), and leaves out (counting them) the reports of
 * jobs never investigated. Nothing is dropped without a reason.
 */
export class ReportCollection {
  private readonly reports: ComparedReport[] = [];
  private readonly skipped: SkippedEntry[] = [];
  private readonly firstSeen = new Map<string, string>();
  private outsideWindow = 0;
  private neverInvestigated = 0;
  private read = 0;

  constructor(private readonly options: CollectionOptions) {}

  add(value: unknown, location: string): void {
    this.count();
    const parsed = ReportSchema.safeParse(value);
    if (!parsed.success) {
      this.skip(location, firstProblem(parsed.error));
      return;
    }
    const report = parsed.data;
    if (this.options.since) {
      const started = Date.parse(report.started_at);
      if (Number.isNaN(started)) {
        this.skip(location, `started_at ${JSON.stringify(report.started_at)} is not an ISO-8601 time`);
        return;
      }
      if (started < this.options.since.getTime()) {
        this.outsideWindow += 1;
        return;
      }
    }
    const key = `${report.orchestrator_type} ${report.investigation_id}`;
    const earlier = this.firstSeen.get(key);
    if (earlier !== undefined) {
      this.skip(location, `the ${key} report again (first read at ${earlier})`);
      return;
    }
    this.firstSeen.set(key, location);
    // Another program's bad data must never count against (or for) the rollout.
    if (neverInvestigated(report)) this.neverInvestigated += 1;
    else this.reports.push(comparedReport(report));
  }

  /** An entry that could not even be read as a value (a line that is not JSON). */
  addUnreadable(location: string, reason: string): void {
    this.count();
    this.skip(location, reason);
  }

  private count(): void {
    this.read += 1;
    if (this.options.onProgress && this.read % (this.options.progressEvery ?? 1_000) === 0) this.options.onProgress(this.read);
  }

  private skip(location: string, reason: string): void {
    this.skipped.push({ location, reason });
  }

  result(): CollectedReports {
    return {
      reports: this.reports,
      skipped: this.skipped,
      outside_window: this.outsideWindow,
      never_investigated: this.neverInvestigated,
      read: this.read,
    };
  }
}
