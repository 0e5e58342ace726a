import type { RootCauseType } from '../../../../report/report.js';
import type { SignalKind } from '../evidence.js';
import { readLogLine } from './log-line-view.js';
import { matchSignal } from './log-patterns.js';

/** The root-cause type a signal points to when it is the failure, as the Lambda rules read it. */
export const CAUSE_OF_SIGNAL: Readonly<Record<SignalKind, RootCauseType>> = {
  timeout: 'timeout',
  out_of_memory: 'out_of_memory',
  unhandled_exception: 'code_error',
  init_error: 'init_error',
  access_denied: 'permission_denied',
  throttled: 'throttling',
  downstream_throttled: 'downstream_error',
  downstream_http_error: 'downstream_error',
  downstream_timeout: 'downstream_error',
  downstream_unavailable: 'downstream_error',
  missing_configuration: 'configuration_error',
  warning: 'unknown',
};

/**
 * What an error a runtime wrote points to, wherever it is quoted: a state machine's task cause
 * (`{"errorType":…,"errorMessage":…}`), an API's execution log line. Null when it says nothing known.
 */
export function causeOfErrorText(text: string): { type: RootCauseType; detail: string; subject?: string } | null {
  const signal = matchSignal(readLogLine(text));
  if (!signal || signal.kind === 'warning') return null;
  return { type: CAUSE_OF_SIGNAL[signal.kind], detail: signal.detail, ...(signal.subject ? { subject: signal.subject } : {}) };
}
