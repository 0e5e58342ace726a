import type { NormalizedAlarm } from '../../../../producer/alarm.js';
import type { Hypothesis } from '../../../../report/report.js';
import type { LambdaEvidence } from '../evidence.js';
import { signalsOf, timeoutLimitMs } from './evidence-queries.js';

/**
 * A Duration alarm whose threshold or breaching datapoints reach this share of the timeout is an
 * alarm on the function running into its timeout (teams set them at 80% of it, or the p99 sits at it).
 */
export const NEAR_TIMEOUT = 0.8;

export interface AlarmedDuration {
  alarmName: string;
  thresholdMs: number | null;
  /** The datapoints the state reason quotes, in milliseconds. */
  datapointsMs: number[];
}

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:E[+-]?\d+)?`;
const DATAPOINTS = /datapoints? \[([^\]]*)\]/;
const DATAPOINT = new RegExp(`(${NUMBER}) \\(`, 'g');
const THRESHOLD = new RegExp(`the threshold \\((${NUMBER})\\)`);

function namesFunction(alarm: NormalizedAlarm, functionName: string): boolean {
  const { FunctionName: name, Resource: resource } = alarm.dimensions;
  return name === functionName || resource?.split(':')[0] === functionName;
}

/** The figures of an `AWS/Lambda` `Duration` alarm on this function, read from its state reason; null for any other alarm. */
export function alarmedDuration(alarm: NormalizedAlarm | null | undefined, functionName: string): AlarmedDuration | null {
  if (alarm?.namespace !== 'AWS/Lambda' || alarm.metric !== 'Duration' || !namesFunction(alarm, functionName)) return null;
  const quoted = DATAPOINTS.exec(alarm.reason)?.[1] ?? '';
  const threshold = THRESHOLD.exec(alarm.reason)?.[1];
  return {
    alarmName: alarm.name,
    thresholdMs: threshold !== undefined ? Number(threshold) : null,
    datapointsMs: [...quoted.matchAll(DATAPOINT)].map((match) => Number(match[1])),
  };
}

/**
 * The alarm's own metric is the question asked: a Duration alarm at the timeout says invocations
 * run into it, whatever louder errors the logs hold. Null when the alarm is not on this
 * function's Duration or sits well below its timeout (a latency alarm, not a timeout).
 */
export function durationAlarmHypothesis(evidence: LambdaEvidence, alarm: NormalizedAlarm | null | undefined): Hypothesis | null {
  const alarmed = alarmedDuration(alarm, evidence.functionName);
  const limitMs = timeoutLimitMs(evidence);
  if (!alarmed || limitMs === null) return null;
  const peak = Math.max(0, ...alarmed.datapointsMs);
  const near = (ms: number | null) => ms !== null && ms >= NEAR_TIMEOUT * limitMs;
  if (!near(peak) && !near(alarmed.thresholdMs)) return null;
  const timeouts = signalsOf(evidence, 'timeout');
  const threshold = alarmed.thresholdMs !== null ? ` (threshold ${alarmed.thresholdMs} ms)` : '';
  const figures = peak > 0 ? `up to ${Math.round(peak)} ms${threshold}` : `at a threshold of ${alarmed.thresholdMs} ms`;
  return {
    type: 'timeout',
    description:
      `${evidence.functionName} runs into its ${limitMs / 1000} s timeout: its Duration alarm ${alarmed.alarmName} fired at ${figures}, ` +
      `${Math.round((1000 * Math.max(peak, alarmed.thresholdMs ?? 0)) / limitMs) / 10}% of the timeout` +
      (timeouts.length > 0 ? '; invocations time out' : ''),
    confidence: timeouts.length > 0 ? 0.93 : 0.9,
    evidence: [
      `alarm ${alarmed.alarmName} on AWS/Lambda Duration: datapoints [${alarmed.datapointsMs.join(', ')}] ms${threshold} against a ${limitMs} ms timeout`,
    ],
  };
}

/** The hypotheses with the alarm's Duration weighed in: it replaces a weaker timeout hypothesis, keeping its evidence. */
export function withAlarmedDuration(
  hypotheses: Hypothesis[],
  evidence: LambdaEvidence,
  alarm: NormalizedAlarm | null | undefined,
): Hypothesis[] {
  const fromAlarm = durationAlarmHypothesis(evidence, alarm);
  if (!fromAlarm) return hypotheses;
  const fromLogs = hypotheses.find((h) => h.type === 'timeout');
  if (fromLogs && fromLogs.confidence >= fromAlarm.confidence) return hypotheses;
  const merged = { ...fromAlarm, evidence: [...new Set([...fromAlarm.evidence, ...(fromLogs?.evidence ?? [])])] };
  return [...hypotheses.filter((h) => h !== fromLogs), merged];
}
