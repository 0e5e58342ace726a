import { clip } from '../../../clip.js';
import type { InvocationReport, LogLine, LogScan, LogSignal } from '../evidence.js';
import { attributeCallees } from './callee-attribution.js';
import { invokedFunctionIn } from './invoked-function.js';
import { type LogLineView, readLogLine } from './log-line-view.js';
import { matchSignal, type SignalMatch } from './log-patterns.js';
import { initReportFromPlatformRecord, parseInitReportLine, parseReportLine, reportFromPlatformRecord } from './report-line.js';
import { initReportSignals, reportSignals } from './report-signals.js';
import { type LineEntry, requestOfLines } from './requests.js';
import { isRetryNotice, recoverRetriedCalls } from './retried-calls.js';

const MAX_EVIDENCE_CHARS = 300;
/** Retry notices and invoked functions are looked for this far into a line, as the patterns are. */
const MAX_CONTEXT_CHARS = 4_000;

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

/**
 * What the request passes read of a line besides its signals, from its first line only: retry
 * notices and invokes are one-line messages, and a stack trace below them says neither.
 */
function lineEntry(message: string): LineEntry {
  const view = readLogLine(message);
  const { signals, report } = lineFindings(view);
  if (view.platform || report) return { signals, report, retry: false, invokes: null };
  const end = view.text.indexOf('\n');
  const head = end === -1 ? view.text : view.text.slice(0, end);
  const text = head.length > MAX_CONTEXT_CHARS ? head.slice(0, MAX_CONTEXT_CHARS) : head;
  return { signals, report, retry: isRetryNotice(text), invokes: text.includes('unction') ? invokedFunctionIn(text) : null };
}

function lineFindings(view: LogLineView): LineFindings {
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
 * Every line is read once; the lines of each invocation are then read together (a dependency error
 * retried within an invocation that succeeded is a warning; a throttled invoke names its callee).
 * Signals are grouped by kind and detail, and each group keeps its first line as evidence. Pure,
 * so it is tested and benchmarked without AWS.
 */
export function scanLogs(lines: readonly LogLine[]): LogScan {
  const groups = new Map<string, LogSignal>();
  const reports: InvocationReport[] = [];
  const requests = requestOfLines(lines);
  const entries = attributeCallees(
    recoverRetriedCalls(
      lines.map((line) => lineEntry(line.message)),
      requests,
    ),
    requests,
  );
  for (const [index, line] of lines.entries()) {
    const findings = entries[index] ?? NOTHING;
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
