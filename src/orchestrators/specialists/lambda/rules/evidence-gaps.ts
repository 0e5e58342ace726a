import type { LambdaEvidence } from '../evidence.js';

/** What the investigation could not see; an unknown root cause says so instead of guessing. */
export function evidenceGaps(evidence: LambdaEvidence): string[] {
  const gaps: string[] = [];
  const { logs, config, metrics } = evidence;
  if (logs === null) gaps.push(`the logs of ${evidence.functionName} could not be read`);
  else if (logs.linesScanned === 0) gaps.push(`no log events of ${evidence.functionName} in the alarm window`);
  else if (logs.signals.every((signal) => signal.kind === 'warning')) {
    gaps.push(`${logs.linesScanned} log events hold no error, timeout or failure (warnings at most)`);
  }
  if (logs?.truncated) gaps.push('the log scan stopped at its cap and saw only part of the window');
  if (config === null) gaps.push(`the configuration of ${evidence.functionName} could not be read`);
  if (metrics === null || Object.values(metrics).every((value) => value === null)) {
    gaps.push('no metric data in the alarm window');
  } else if ((metrics.errors ?? 0) > 0) {
    gaps.push(`Errors = ${metrics.errors} in the window, but no log line explains them`);
  }
  return gaps;
}
