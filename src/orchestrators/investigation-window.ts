import type { NormalizedAlarm } from '../producer/alarm.js';

export interface TimeWindow {
  startTime: number;
  endTime: number;
  /** When the alarm changed state (epoch ms), which the window is built around; absent in windows not built from an alarm. */
  alarmTime?: number;
}

// Lambda runs up to 15 minutes and alarms evaluate over several periods, so the cause can
// precede the state change by a while; a little after it catches the lines that explain it.
const BEFORE_MS = 30 * 60_000;
const AFTER_MS = 5 * 60_000;
/**
 * Both ends move out to whole five minutes, so that alarms of one resource a few minutes apart ask
 * for the same window and share one read of it across the fleet (aws/shared-facts.ts).
 */
export const WINDOW_ALIGN_MS = 5 * 60_000;

export function investigationWindow(alarm: NormalizedAlarm): TimeWindow {
  const at = Date.parse(alarm.time);
  const anchor = Number.isNaN(at) ? Date.now() : at;
  return {
    startTime: Math.floor((anchor - BEFORE_MS) / WINDOW_ALIGN_MS) * WINDOW_ALIGN_MS,
    endTime: Math.ceil((anchor + AFTER_MS) / WINDOW_ALIGN_MS) * WINDOW_ALIGN_MS,
    alarmTime: anchor,
  };
}
