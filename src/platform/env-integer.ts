import { ConfigError } from './errors.js';

export interface IntegerRange {
  min: number;
  max: number;
}

/**
 * A whole-number setting from the environment: unset or empty gives the default; anything else
 * outside the range stops the process (DESIGN.md: never a silent fallback).
 */
export function integerFromEnv(env: NodeJS.ProcessEnv, variable: string, fallback: number, range: IntegerRange): number {
  const value = env[variable];
  if (value === undefined || value.trim() === '') return fallback;
  return parseInteger(variable, value, range);
}

/** Shared by environment variables and command-line options, so both report bad values alike. */
export function parseInteger(name: string, value: string, { min, max }: IntegerRange): number {
  const number = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    throw new ConfigError(name, value, `a whole number from ${min} to ${max}`);
  }
  return number;
}
