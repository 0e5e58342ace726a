import type { InvocationReport, LogSignal, SignalKind } from '../evidence.js';
import { matchSignal, type SignalMatch } from './log-patterns.js';
import type { InitReport } from './report-line.js';

const MEMORY_LIMIT_REACHED = 'Max Memory Used reached Memory Size';
const PLATFORM_PREFIXES = ['REPORT ', 'INIT_REPORT '];
/** Lambda's own line when the runtime process ends; the cause is what the runtime wrote before it. */
const RUNTIME_EXITED = 'Runtime exited with error';

/** The kind an `Error Type` (`Runtime.OutOfMemory`, `Runtime.ImportModuleError` …) stands for. */
function kindOfErrorType(errorType: string): SignalKind {
  return matchSignal({ text: errorType, level: null, error: null, platform: null })?.kind ?? 'unhandled_exception';
}

/** What a REPORT line proves on its own: a timeout, an error the platform saw, or memory used to the limit. */
export function reportSignals(report: InvocationReport): SignalMatch[] {
  const signals: SignalMatch[] = [];
  if (report.status === 'timeout') signals.push({ kind: 'timeout', detail: 'REPORT Status: timeout' });
  else if (report.status === 'error' || report.status === 'failure') {
    const errorType = report.errorType ?? 'unknown';
    signals.push({
      kind: report.errorType ? kindOfErrorType(report.errorType) : 'unhandled_exception',
      detail: `REPORT Status: ${report.status}, Error Type: ${errorType}`,
      subject: errorType,
    });
  }
  const { memorySizeMb, maxMemoryUsedMb } = report;
  if (memorySizeMb !== null && maxMemoryUsedMb !== null && maxMemoryUsedMb >= memorySizeMb) {
    signals.push({ kind: 'out_of_memory', detail: `${MEMORY_LIMIT_REACHED} (${memorySizeMb} MB)`, subject: String(memorySizeMb) });
  }
  return signals;
}

/** A failed or timed-out init is an init error, unless the init ran out of memory. */
export function initReportSignals(init: InitReport): SignalMatch[] {
  if (init.status === null || init.status === 'success') return [];
  const kind = init.errorType ? kindOfErrorType(init.errorType) : 'init_error';
  const errorType = init.errorType ? `, Error Type: ${init.errorType}` : '';
  return [
    {
      kind: kind === 'out_of_memory' ? kind : 'init_error',
      detail: `INIT_REPORT Status: ${init.status}${errorType}`,
      ...(init.errorType ? { subject: init.errorType } : {}),
    },
  ];
}

/** The OOM signal that only restates REPORT figures; the rules weigh it apart from an explicit OOM line. */
export function isMemoryLimitSignal(signal: LogSignal): boolean {
  return signal.kind === 'out_of_memory' && signal.detail.startsWith(MEMORY_LIMIT_REACHED);
}

/** A signal the platform's REPORT or INIT_REPORT gave, rather than the function's own output. */
export function isPlatformSignal(signal: LogSignal): boolean {
  return PLATFORM_PREFIXES.some((prefix) => signal.detail.startsWith(prefix)) || signal.detail.includes(RUNTIME_EXITED);
}
