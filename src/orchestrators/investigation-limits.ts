import { describeAlarmLimits } from '../producer/alarm-text.js';
import { MAX_RECORDED_LOG_EVENTS, MAX_RECORDED_STRING_BYTES } from './aws/recording.js';
import { DEFAULT_MAX_BYTES, DEFAULT_MAX_EVENTS, MAX_MESSAGE_CHARS } from './facts/log-limits.js';
import { MAX_PROMPT_CHARS } from './llm/llm-settings.js';

const MIB = 1024 * 1024;

/** Every bound an investigation applies to what it reads, in words, for the `--help` of investigate and worker. */
export function describeInvestigationLimits(): string {
  return (
    `Limits: ${describeAlarmLimits()};\n` +
    `Lambda logs are read up to ${DEFAULT_MAX_EVENTS} lines and ${DEFAULT_MAX_BYTES / MIB} MiB per function, each line cut to ${MAX_MESSAGE_CHARS} characters;\n` +
    `one model call sends at most ${MAX_PROMPT_CHARS} characters; a recording (--replay) is read streamed, keeping the first\n` +
    `${MAX_RECORDED_LOG_EVENTS} log events of each recorded page (one past the log cap, so that the cap still shows) and\n` +
    `${MAX_RECORDED_STRING_BYTES / MIB} MiB of any one string.`
  );
}
