/**
 * Whether trying again can succeed: `transient` for what the environment causes and time cures
 * (throttling, a 5xx, a dropped connection, Redis away), `permanent` for the rest (bad input,
 * missing permissions, a bug). The worker retries transient failures; `compare` and the guard
 * never count them against an orchestrator.
 */
export type ErrorKind = 'transient' | 'permanent';

/** The documented exit codes: 1 the work failed, 2 bad input or configuration. */
export type ExitCode = 1 | 2;

export interface PromptRcaErrorOptions {
  /** The failure this one reports, kept as the standard `cause`. @defaultValue none */
  cause?: unknown;
  /** @defaultValue the class's own kind (`permanent` unless the class says otherwise) */
  kind?: ErrorKind;
}

/** Base of every error the product raises on purpose. */
export class PromptRcaError extends Error {
  /** @defaultValue 1 */
  readonly exitCode: ExitCode = 1;
  readonly kind: ErrorKind;

  constructor(message: string, options: PromptRcaErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.kind = options.kind ?? this.defaultKind();
  }

  /** Subclasses for failures that time cures answer `transient`. */
  protected defaultKind(): ErrorKind {
    return 'permanent';
  }
}

/** A failure of a service the work needs (Redis, AWS, the LLM endpoint) that a later try may get past. */
export class ServiceUnavailableError extends PromptRcaError {
  protected override defaultKind(): ErrorKind {
    return 'transient';
  }
}

/** Input or configuration that can never work as given; retrying will not help. */
export class InputError extends PromptRcaError {
  override readonly exitCode: ExitCode = 2;
}

/** An environment variable (or the option that overrides it) holds a value outside what it allows. */
export class ConfigError extends InputError {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`${variable}=${JSON.stringify(value)} is not valid: allowed ${allowed}`);
  }
}

/** Redis answered but refused the client's own settings (password, user, database index): fixed by configuration, not by waiting. */
export class RedisConfigurationError extends InputError {}

/** Redis did not answer (refused, unreachable, timed out) or refused the command. */
export class RedisUnavailableError extends ServiceUnavailableError {}

/** The metrics port cannot be bound (in use, or not allowed). */
export class MetricsPortError extends InputError {}

/** A file with no JSON value at all: empty, or only whitespace. */
export class EmptyJsonError extends InputError {
  constructor() {
    super('no JSON value: the file is empty or only whitespace');
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
