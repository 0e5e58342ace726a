import type { InvocationReport, LambdaEvidence, LogSignal, SignalKind } from '../evidence.js';
import { isMemoryLimitSignal, isPlatformSignal } from '../signals/report-signals.js';

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

/**
 * The cause as the runtime or the code wrote it (the exception and its message), before the
 * platform's line that only reports it (REPORT, INIT_REPORT, "Runtime exited with error").
 */
export function runtimeCause(signals: readonly LogSignal[]): LogSignal | undefined {
  return mostFrequent(signals.filter((signal) => !isPlatformSignal(signal) && !isMemoryLimitSignal(signal))) ?? mostFrequent(signals);
}

/**
 * An init that failed (INIT_REPORT) with no other cause written (no missing module or handler)
 * while a call was denied: the denial is why it cannot start.
 */
export function deniedDuringInit(evidence: LambdaEvidence | null): boolean {
  const initFailures = signalsOf(evidence, 'init_error');
  return signalsOf(evidence, 'access_denied').length > 0 && initFailures.length > 0 && initFailures.every(isPlatformSignal);
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
