import { InputError } from '../platform/errors.js';

/** A FILE given to `compare` that cannot be read at all. */
export class ReportFileError extends InputError {}
