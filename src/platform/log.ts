import { closeSync, openSync } from 'node:fs';
import winston from 'winston';
import { LOG_LEVELS } from './config.js';
import { ConfigError } from './errors.js';

function configuredLevel(fallback: string): string {
  return process.env.LOG_LEVEL || fallback;
}

/**
 * JSON lines on stdout (and PROMPTRCA_LOG_FILE when set), so CloudWatch Logs Insights can query
 * fields such as `orchestrator_type` and `duration_seconds` directly.
 */
export const logger = winston.createLogger({
  level: configuredLevel('info'),
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  defaultMeta: { service: 'promptrca' },
  transports: [new winston.transports.Console()],
});
if (process.env.PROMPTRCA_LOG_FILE) {
  logger.add(new winston.transports.File({ filename: process.env.PROMPTRCA_LOG_FILE }));
}

/** PROMPTRCA_LOG_FILE checked at start (exit 2 naming it): a log that cannot be written is not silently lost. */
export function checkLogFile(path: string): void {
  try {
    closeSync(openSync(path, 'a'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ConfigError('PROMPTRCA_LOG_FILE', path, `a file this process can create or append to (opening it failed: ${code})`);
  }
}

/**
 * Commands whose stdout is for a person or a pipe (`investigate --json`) move logs to stderr and,
 * unless LOG_LEVEL says otherwise, show only warnings and errors.
 */
export function moveLogsToStderr(defaultLevel = 'warn'): void {
  for (const transport of logger.transports) {
    if (transport instanceof winston.transports.Console) logger.remove(transport);
  }
  logger.add(new winston.transports.Console({ stderrLevels: [...LOG_LEVELS] }));
  logger.level = configuredLevel(defaultLevel);
}

/**
 * The AWS SDK's own notice is silenced in cli.ts (nine lines on every run); long-running commands
 * say it once, as a log line an operator can act on.
 */
export function warnIfNodePastEndOfLife(log: winston.Logger): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    log.warn(
      `Node ${process.version} is past end of life: AWS SDK releases after January 2027 need Node 22 or later (the Dockerfile uses Node 22)`,
    );
  }
}
