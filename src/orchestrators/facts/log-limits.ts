/** The most log lines one log read keeps, per function and investigation. */
export const DEFAULT_MAX_EVENTS = 5_000;
/** The most message text one log read keeps, in bytes. */
export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
/** A stack trace fits; a dumped payload does not need to. */
export const MAX_MESSAGE_CHARS = 8 * 1024;
