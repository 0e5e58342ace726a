import { closeSync, openSync } from 'node:fs';
import winston from 'winston';
import { LOG_LEVELS, readSetting } from './config.js';
import { ConfigError } from './errors.js';

/** LOG_LEVEL by its rule in config.ts, or `fallback` when unset; ConfigError when invalid. */
function configuredLevel(fallback: string): string {
  return readSetting('LOG_LEVEL', process.env) ?? fallback;
}

/**
 * The logger is made when this module loads, before cli.ts checks the environment: an invalid
 * LOG_LEVEL stops the command there (exit 2, naming it), so until then the default stands.
 */
function levelAtLoad(): string {
  try {
    return configuredLevel('info');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return 'info';
  }
}

/**
 * JSON lines on stdout (and PROMPTRCA_LOG_FILE when set), so CloudWatch Logs Insights can query
 * fields such as `orchestrator_type` and `duration_seconds` directly.
 */
export const logger = winston.createLogger({
  level: levelAtLoad(),
  format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  defaultMeta: { service: 'promptrca' },
  transports: [new winston.transports.Console()],
});
const logFile = readSetting('PROMPTRCA_LOG_FILE', process.env);
if (logFile) logger.add(new winston.transports.File({ filename: logFile }));

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
