/**
 * Base of every error the product raises on purpose. `exitCode` follows DESIGN.md:
 * 1 the investigation failed, 2 bad input or configuration.
 */
export class PromptRcaError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input or configuration that can never work as given; retrying will not help. */
export class InputError extends PromptRcaError {
  override readonly exitCode: number = 2;
}

/** An environment variable holds a value outside what it allows. */
export class ConfigError extends InputError {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`${variable}=${JSON.stringify(value)} is not valid: allowed ${allowed}`);
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
