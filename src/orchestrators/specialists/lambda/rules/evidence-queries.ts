import type { InvocationReport, LambdaEvidence, LogSignal, SignalKind } from '../evidence.js';

export const DOWNSTREAM_KINDS: readonly SignalKind[] = [
  'downstream_throttled',
  'downstream_http_error',
  'downstream_timeout',
  'downstream_unavailable',
];

export function signalsOf(evidence: LambdaEvidence | null, ...kinds: SignalKind[]): LogSignal[] {
  return evidence?.logs?.signals.filter((signal) => kinds.includes(signal.kind)) ?? [];
}

export function reportsOf(evidence: LambdaEvidence | null): InvocationReport[] {
  return evidence?.logs?.reports ?? [];
}

export function total(signals: readonly LogSignal[]): number {
  return signals.reduce((sum, signal) => sum + signal.count, 0);
}

export function mostFrequent(signals: readonly LogSignal[]): LogSignal | undefined {
  return signals.reduce<LogSignal | undefined>((best, signal) => (!best || signal.count > best.count ? signal : best), undefined);
}

/** The configured timeout, or the one "Task timed out after N seconds" states when the config is unknown. */
export function timeoutLimitMs(evidence: LambdaEvidence | null): number | null {
  const configured = evidence?.config?.timeoutSeconds;
  if (configured) return configured * 1000;
  const stated = signalsOf(evidence, 'timeout')
    .map((signal) => Number(signal.subject))
    .find((seconds) => seconds > 0);
  return stated ? stated * 1000 : null;
}

/** The memory size a REPORT states, else the configured one. */
export function memoryLimitMb(evidence: LambdaEvidence | null, report?: InvocationReport): number | null {
  return (
    report?.memorySizeMb ?? evidence?.config?.memoryMb ?? reportsOf(evidence).find((r) => r.memorySizeMb !== null)?.memorySizeMb ?? null
  );
}
