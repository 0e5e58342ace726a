import { ConfigError } from '../platform/errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

export interface DurationUnits {
  units: readonly Unit[];
  /** What the error message says is allowed. */
  allowed: string;
}

const SINCE_UNITS: DurationUnits = { units: ['m', 'h', 'd'], allowed: 'a whole number of minutes, hours or days such as 30m, 1h or 2d' };
export const DURATION_WITH_SECONDS: DurationUnits = {
  units: ['s', 'm', 'h', 'd'],
  allowed: 'a whole number of seconds, minutes, hours or days such as 30s, 15m, 1h or 2d',
};

/** A positive duration option such as `15m`, in milliseconds. */
export function parseDuration(option: string, value: string, { units, allowed }: DurationUnits = SINCE_UNITS): number {
  const match = /^(\d{1,6})([smhd])$/.exec(value.trim());
  const amount = Number(match?.[1]);
  const unit = match?.[2] as Unit | undefined;
  if (!match || amount === 0 || unit === undefined || !units.includes(unit)) throw new ConfigError(option, value, allowed);
  return amount * UNIT_MS[unit];
}

/** `--since 30m` / `1h` / `2d`: how far back a report may have started, in milliseconds. */
export function parseSince(value: string): number {
  return parseDuration('--since', value);
}
