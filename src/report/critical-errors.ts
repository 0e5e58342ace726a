import type { ComparedReport } from './compared-report.js';

export type CriticalErrorKind = 'agent_tools_completed' | 'not_transient';

export interface CriticalError {
  investigation_id: string;
  error: string;
  /** Why it counts: the paired agent_tools report completed, or (unpaired) the error is not transient. */
  kind: CriticalErrorKind;
}

/**
 * A critical error is a failed direct_invocation investigation that direct_invocation itself is to
 * blame for:
 * - when agent_tools also reported on the same investigation (shadow pairs): agent_tools completed
 *   it, whatever direct_invocation's error was; if both failed, the incident itself was the problem;
 * - otherwise: its error is not transient (the report's `error_kind`; a report from before that
 *   field existed counts as not transient, since nothing else may be read into its message).
 */
export function criticalErrors(reports: readonly ComparedReport[]): CriticalError[] {
  const agentStatus = new Map<string, ComparedReport['status']>();
  for (const report of reports) {
    if (report.orchestrator_type === 'agent_tools') agentStatus.set(report.investigation_id, report.status);
  }
  const critical: CriticalError[] = [];
  for (const report of reports) {
    if (report.orchestrator_type !== 'direct_invocation' || report.status !== 'failed') continue;
    const error = report.error ?? 'no error given';
    const paired = agentStatus.get(report.investigation_id);
    if (paired === 'completed') critical.push({ investigation_id: report.investigation_id, error, kind: 'agent_tools_completed' });
    else if (paired === undefined && report.error_kind !== 'transient') {
      critical.push({ investigation_id: report.investigation_id, error, kind: 'not_transient' });
    }
  }
  return critical;
}
