import type { Report } from './report.js';

/**
 * Failures that the environment causes, not the orchestrator: throttling, rate limits, timeouts,
 * 5xx answers and dropped connections of AWS, the LLM endpoint or Redis. A failed report keeps only
 * the error's text, so they are recognised by the wording the AWS SDK, openai and ioredis use.
 */
const TRANSIENT_UPSTREAM_ERROR =
  /throttl|rate exceeded|rate limit|too many requests|timed out|timeout|service unavailable|internal server error|internal failure|bad gateway|connection (error|reset|refused|closed|is closed)|socket hang up|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|EPIPE|ENETUNREACH|EHOSTUNREACH|max retries per request|(^|status( code)?:? |HTTP )(429|5\d\d)\b/i;

export function isTransientUpstreamError(error: string): boolean {
  return TRANSIENT_UPSTREAM_ERROR.test(error);
}

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
 * - otherwise: its error is not a transient upstream error (see isTransientUpstreamError).
 */
export function criticalErrors(reports: readonly Report[]): CriticalError[] {
  const agentStatus = new Map<string, Report['status']>();
  for (const report of reports) {
    if (report.orchestrator_type === 'agent_tools') agentStatus.set(report.investigation_id, report.status);
  }
  const critical: CriticalError[] = [];
  for (const report of reports) {
    if (report.orchestrator_type !== 'direct_invocation' || report.status !== 'failed') continue;
    const error = report.error ?? 'no error given';
    const paired = agentStatus.get(report.investigation_id);
    if (paired === 'completed') critical.push({ investigation_id: report.investigation_id, error, kind: 'agent_tools_completed' });
    else if (paired === undefined && !isTransientUpstreamError(error)) {
      critical.push({ investigation_id: report.investigation_id, error, kind: 'not_transient' });
    }
  }
  return critical;
}
