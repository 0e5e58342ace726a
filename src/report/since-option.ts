import { ConfigError } from '../errors.js';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since 30m` / `1h` / `2d`: how far back a report may have started, in milliseconds. */
export function parseSince(value: string): number {
  const match = /^(\d{1,6})([mhd])$/.exec(value.trim());
  const amount = Number(match?.[1]);
  if (!match || amount === 0) {
    throw new ConfigError('--since', value, 'a whole number of minutes, hours or days such as 30m, 1h or 2d');
  }
  return amount * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
