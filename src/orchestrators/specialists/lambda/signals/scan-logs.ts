import { clip } from '../../../clip.js';
import type { InvocationReport, LogLine, LogScan, LogSignal } from '../evidence.js';
import { type LogLineView, readLogLine } from './log-line-view.js';
import { matchSignal, type SignalMatch } from './log-patterns.js';
import { initReportFromPlatformRecord, parseInitReportLine, parseReportLine, reportFromPlatformRecord } from './report-line.js';
import { initReportSignals, reportSignals } from './report-signals.js';

const MAX_EVIDENCE_CHARS = 300;

interface LineFindings {
  signals: SignalMatch[];
  report: InvocationReport | null;
}

const NOTHING: LineFindings = { signals: [], report: null };

function platformFindings(platform: NonNullable<LogLineView['platform']>): LineFindings {
  if (platform.type === 'platform.report') {
    const report = reportFromPlatformRecord(platform.record);
    return report ? { signals: reportSignals(report), report } : NOTHING;
  }
  if (platform.type === 'platform.initReport') {
    return { signals: initReportSignals(initReportFromPlatformRecord(platform.record)), report: null };
  }
  return NOTHING;
}

function lineFindings(message: string): LineFindings {
  const view = readLogLine(message);
  if (view.platform) return platformFindings(view.platform);
  if (view.text.startsWith('REPORT ')) {
    const report = parseReportLine(view.text);
    return report ? { signals: reportSignals(report), report } : NOTHING;
  }
  if (view.text.startsWith('INIT_REPORT ')) {
    const init = parseInitReportLine(view.text);
    return init ? { signals: initReportSignals(init), report: null } : NOTHING;
  }
  const signal = matchSignal(view);
  return signal ? { signals: [signal], report: null } : NOTHING;
}

/**
 * One pass over the log events: every line is read once, grouped by kind and detail, and each
 * group keeps its first line as evidence. Pure, so it is tested and benchmarked without AWS.
 */
export function scanLogs(lines: readonly LogLine[]): LogScan {
  const groups = new Map<string, LogSignal>();
  const reports: InvocationReport[] = [];
  for (const line of lines) {
    const findings = lineFindings(line.message);
    if (findings.report) reports.push(findings.report);
    for (const match of findings.signals) {
      const key = `${match.kind}\u0000${match.detail}`;
      const group = groups.get(key);
      if (group) {
        group.count += 1;
        continue;
      }
      groups.set(key, {
        kind: match.kind,
        detail: match.detail,
        line: clip(line.message, MAX_EVIDENCE_CHARS),
        timestamp: line.timestamp,
        count: 1,
        ...(match.subject ? { subject: match.subject } : {}),
      });
    }
  }
  return { signals: [...groups.values()], reports, linesScanned: lines.length, truncated: false };
}
