import { ServiceUnavailableError } from '../platform/errors.js';

/** The LLM endpoint could not be reached or did not answer in time (after our own retries). */
export class LlmUnavailableError extends ServiceUnavailableError {}
