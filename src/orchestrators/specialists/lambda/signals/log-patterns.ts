import { clip } from '../../../clip.js';
import type { SignalKind } from '../evidence.js';
import { awsCallIn, awsCallName } from './aws-call.js';
import { invokedFunctionIn } from './invoked-function.js';
import { isWarnHeader } from './log-level.js';
import type { LogLineView } from './log-line-view.js';

/** What one log line says: the kind, a detail stable enough to group on, and what it names. */
export interface SignalMatch {
  kind: SignalKind;
  detail: string;
  subject?: string;
}

interface LogPattern {
  kind: SignalKind;
  /** Plain substrings: a pattern is tried only on a line holding one, so most lines cost a few `includes`. */
  needles: readonly string[];
  /**
   * Reads the line once a needle is found; null lets later patterns try. Without it the detail is
   * the line that holds the needle, less its timestamp, request ID and level.
   */
  read?: (text: string, needle: string, view: LogLineView) => SignalMatch | null;
  /** Tried in order; the first group that matched names the signal's subject. */
  subjects?: readonly RegExp[];
  /** Also read lines whose structured error holds no needle (Go's `{"errorType":"errorString"}`). */
  readsStructuredErrors?: boolean;
}

const MAX_DETAIL_CHARS = 160;
/** Regexes read at most this much of a line, so one huge event cannot make the scan slow. */
const MAX_READ_CHARS = 4_000;

const LINE_PREFIX =
  /^(?:time=\S+|level=\w+|\[[A-Za-z]+\]|\d{4}-\d\d-\d\d[T ][\d:.,]+Z?|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|RequestId:|undefined|(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|trce|dbug|info|warn|fail|crit)\b)[\s:-]*/;
const REQUEST_ID_IN_TEXT = /(Request ?ID:? ?)[\w-]{8,}/gi;
const MAX_PREFIX_TOKENS = 6;

/** The line (of a multi-line event) holding `at`, without the prefix every line of its kind varies in. */
export function detailAt(text: string, at: number): string {
  const start = text.lastIndexOf('\n', at) + 1;
  const end = text.indexOf('\n', at);
  let line = text.slice(start, end === -1 ? undefined : end).trim();
  for (let token = 0; token < MAX_PREFIX_TOKENS; token += 1) {
    const prefix = LINE_PREFIX.exec(line);
    if (!prefix || prefix[0] === '') break;
    line = line.slice(prefix[0].length);
  }
  return clip(line.replace(REQUEST_ID_IN_TEXT, '$1…'), MAX_DETAIL_CHARS);
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

const TASK_TIMED_OUT = /Task timed out after ([\d.]+) seconds/;

const ENV_VAR_MISSING = /missing|not set|not defined|undefined|required|is empty|must be (?:set|defined|provided)/i;
const ENV_VAR_NAME_AFTER = /nvironment variables?\s*:?\s*['"`]?([A-Z][A-Z0-9_]*)/;
const ENV_VAR_NAME_BEFORE = /\b([A-Z][A-Z0-9_]*)['"`]?\s+(?:environment|env) variable/;
const KEY_ERROR = /KeyError: ['"]([^'"\n]+)['"]/;
// An UPPER_SNAKE key is an environment variable's name far more often than a dict key.
const ENV_VAR_LIKE = /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/;

const MISSING_ENV_VAR_DETAIL = 'environment variable ';

/** The variable a missing-configuration signal names, when it names one. */
export function missingEnvVarName(signal: { kind: SignalKind; detail: string; subject?: string }): string | null {
  if (signal.kind !== 'missing_configuration' || !signal.detail.startsWith(MISSING_ENV_VAR_DETAIL)) return null;
  return signal.subject ?? null;
}

function missingEnvVar(text: string): SignalMatch | null {
  if (!ENV_VAR_MISSING.test(text)) return null;
  const name = (ENV_VAR_NAME_AFTER.exec(text) ?? ENV_VAR_NAME_BEFORE.exec(text))?.[1];
  if (!name) return null;
  return { kind: 'missing_configuration', detail: `${MISSING_ENV_VAR_DETAIL}${name} is not set`, subject: name };
}

function envKeyError(text: string): SignalMatch | null {
  const name = KEY_ERROR.exec(text)?.[1];
  if (!name) return null;
  if (!text.includes('environ') && !text.includes('getenv') && !ENV_VAR_LIKE.test(name)) return null;
  return { kind: 'missing_configuration', detail: `${MISSING_ENV_VAR_DETAIL}${name} is not set (KeyError)`, subject: name };
}

const NOT_AUTHORIZED = /not authorized to perform:? ([\w-]+:[\w*-]+)(?: on resource:? ([^\s"',]+))?/;

function accessDenied(text: string, needle: string): SignalMatch | null {
  const denied = NOT_AUTHORIZED.exec(text);
  if (denied?.[1]) {
    const resource = denied[2] ? ` on ${denied[2]}` : '';
    return { kind: 'access_denied', detail: `not authorized to perform ${denied[1]}${resource}`, subject: denied[1] };
  }
  return { kind: 'access_denied', detail: detailAt(text, text.indexOf(needle)) };
}

const STATUS_5XX = /\b(5\d\d)\b/;

function httpServerError(text: string, needle: string): SignalMatch | null {
  const at = text.indexOf(needle);
  const line = detailAt(text, at);
  const code = STATUS_5XX.exec(text.slice(Math.max(0, at - 40), at + needle.length + 40))?.[1];
  if (!code) return null;
  return { kind: 'downstream_http_error', detail: line, subject: code };
}

// Java and .NET name exceptions by qualified class; `[\w$]*` cannot hold a dot, so this stays linear.
const QUALIFIED_EXCEPTION = /\b((?:[A-Za-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error))\b(?::[ \t]*([^\n]*))?/;
// Java prints the exception again at the head of its stack, with the message; prefer that line.
const QUALIFIED_EXCEPTION_LINE = new RegExp(`^${QUALIFIED_EXCEPTION.source}`, 'm');
const PYTHON_ERROR_HEADER = /^\[ERROR\][ \t]+([A-Za-z_][\w.]*)(?::[ \t]*([^\n]*))?/;
const PYTHON_EXCEPTION_LINE = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt))(?::[ \t]*(.*))?$/;
const GO_PANIC = /panic: ([^\n]+)/;

function exception(type: string, message: string | undefined): SignalMatch {
  const text = message ? `${type}: ${firstLine(message).trim()}` : type;
  return { kind: 'unhandled_exception', detail: clip(text, MAX_DETAIL_CHARS), subject: type };
}

/** The exception a line reports, in the shape its runtime writes it. */
function unhandledException(text: string, _needle: string, view: LogLineView): SignalMatch | null {
  if (view.error) return exception(view.error.type, view.error.message);
  const panic = GO_PANIC.exec(text);
  if (panic?.[1]) return exception('panic', panic[1]);
  const python = PYTHON_ERROR_HEADER.exec(text);
  if (python?.[1]) return exception(python[1], python[2]);
  if (text.includes('Traceback (most recent call last)')) {
    const last = text
      .trimEnd()
      .slice(text.trimEnd().lastIndexOf('\n') + 1)
      .trim();
    const raised = PYTHON_EXCEPTION_LINE.exec(last);
    if (raised?.[1]) return exception(raised[1], raised[2]);
  }
  const exited = text.indexOf('Runtime exited with error');
  if (exited !== -1) return { kind: 'unhandled_exception', detail: detailAt(text, exited), subject: 'Runtime.ExitError' };
  const qualified = QUALIFIED_EXCEPTION_LINE.exec(text) ?? QUALIFIED_EXCEPTION.exec(text);
  if (qualified?.[1]) return exception(qualified[1], qualified[2]);
  return null;
}

const INIT_SUBJECTS = [
  /Cannot find module '([^']+)'/,
  /No module named '([^']+)'/,
  /Runtime\.HandlerNotFound:? ([\w./-]+)/,
  /ClassNotFoundException:? ([\w.$]+)/,
  /Unable to import module '([^']+)'/,
];
const HOST_SUBJECTS = [/ENOTFOUND (\S+)/, /lookup ([\w.-]+)/, /host='([^']+)'/];

const WARN_LEVELS = new Set(['WARN', 'WARNING']);

/**
 * Tried in order, first match wins: specific causes before the generic exception, so that an
 * AccessDeniedException or a KeyError on an environment variable is not read as a code bug.
 */
export const LOG_PATTERNS: readonly LogPattern[] = [
  {
    kind: 'timeout',
    needles: ['Task timed out after'],
    read: (text) => {
      const seconds = TASK_TIMED_OUT.exec(text)?.[1];
      return seconds ? { kind: 'timeout', detail: `Task timed out after ${seconds} seconds`, subject: seconds } : null;
    },
  },
  {
    kind: 'out_of_memory',
    needles: ['signal: killed'],
    read: () => ({ kind: 'out_of_memory', detail: 'Runtime exited with error: signal: killed' }),
  },
  {
    kind: 'out_of_memory',
    needles: ['JavaScript heap out of memory', 'OutOfMemoryError', 'OutOfMemoryException', 'Runtime.OutOfMemory', 'MemoryError'],
  },
  {
    kind: 'init_error',
    needles: [
      'Runtime.ImportModuleError',
      'Runtime.HandlerNotFound',
      'Runtime.UserCodeSyntaxError',
      'Runtime.MalformedHandlerName',
      'Runtime.InvalidEntrypoint',
      'Unable to import module',
      'Cannot find module',
      'ClassNotFoundException',
      'NoClassDefFoundError',
      'is undefined or not exported',
    ],
    subjects: INIT_SUBJECTS,
  },
  {
    kind: 'access_denied',
    needles: ['not authorized to perform', 'AccessDenied', 'KMSAccessDenied', 'UnauthorizedOperation', 'Access Denied'],
    read: accessDenied,
  },
  {
    kind: 'downstream_throttled',
    needles: [
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
      'ThrottledException',
      '(Throttling)',
      'Throttling: Rate exceeded',
      'SlowDown',
    ],
    read: (text, needle) => {
      const call =
        awsCallIn(text) ?? (needle === 'ProvisionedThroughputExceededException' ? { service: 'DynamoDB', operation: null } : null);
      const detail = detailAt(text, text.indexOf(needle));
      return { kind: 'downstream_throttled', detail, ...(call ? { subject: awsCallName(call) } : {}) };
    },
  },
  {
    kind: 'throttled',
    needles: [
      'ReservedFunctionConcurrentInvocationLimitExceeded',
      'ConcurrentInvocationLimitExceeded',
      'TooManyRequestsException',
      'Rate Exceeded',
    ],
    // A throttled function writes no log line: in a function's own logs this is a call it made.
    read: (text, needle) => {
      const callee = invokedFunctionIn(text);
      return { kind: 'throttled', detail: detailAt(text, text.indexOf(needle)), ...(callee ? { subject: callee } : {}) };
    },
  },
  {
    kind: 'missing_configuration',
    needles: ['KeyError'],
    read: (text) => envKeyError(text),
  },
  {
    kind: 'missing_configuration',
    needles: ['nvironment variable', 'env var'],
    read: (text) => missingEnvVar(text),
  },
  {
    kind: 'missing_configuration',
    needles: [
      'ResourceNotFoundException',
      'Requested resource not found',
      'non-existent table',
      'NoSuchBucket',
      'QueueDoesNotExist',
      'NonExistentQueue',
      'ParameterNotFound',
      'UnknownEndpoint',
      'Invalid endpoint',
      'ENOTFOUND',
      'no such host',
      'Name or service not known',
      'NameResolutionError',
    ],
    subjects: HOST_SUBJECTS,
  },
  {
    kind: 'downstream_timeout',
    needles: [
      'ETIMEDOUT',
      'ESOCKETTIMEDOUT',
      'connect timeout',
      'Connect timeout',
      'Connect timed out',
      'connect timed out',
      'Read timed out',
      'read timed out',
      'ReadTimeout',
      'ConnectTimeout',
      'SocketTimeoutException',
      'i/o timeout',
      'HttpClient.Timeout',
      'context deadline exceeded',
      'Connection timed out',
      'TimeoutError',
    ],
  },
  {
    kind: 'downstream_http_error',
    needles: [
      'status code 5',
      'Status Code: 5',
      'StatusCode: 5',
      'Bad Gateway',
      'Service Unavailable',
      'Gateway Time',
      'Internal Server Error',
      'Server Error',
    ],
    read: httpServerError,
  },
  {
    kind: 'downstream_unavailable',
    needles: [
      'ECONNREFUSED',
      'ECONNRESET',
      'EAI_AGAIN',
      'socket hang up',
      'onnection refused',
      'onnection reset',
      'ServiceUnavailable',
      'Service Unavailable',
      'EndpointConnectionError',
      'Could not connect to the endpoint URL',
      'InternalServerError',
      'InternalFailure',
      'Broken pipe',
    ],
  },
  {
    kind: 'unhandled_exception',
    needles: ['Error', 'Exception', 'panic:', 'Runtime exited with error'],
    read: unhandledException,
    readsStructuredErrors: true,
  },
];

const WARNING_PATTERN: LogPattern = {
  kind: 'warning',
  needles: ['\tWARN\t', '[WARN]', '[WARNING]', ' WARN ', '\twarn\t', 'level=WARN', 'level=warn', 'WARNING:'],
  read: (text, needle) => ({ kind: 'warning', detail: detailAt(text, text.indexOf(needle)) }),
};

function subjectOf(patterns: readonly RegExp[], text: string): string | undefined {
  for (const pattern of patterns) {
    const group = pattern.exec(text)?.[1];
    if (group) return group;
  }
  return undefined;
}

function tryPattern(pattern: LogPattern, text: string, view: LogLineView): SignalMatch | null {
  for (const needle of pattern.needles) {
    const at = text.indexOf(needle);
    if (at === -1) continue;
    if (pattern.read) {
      const match = pattern.read(text, needle, view);
      if (match) return match;
      continue;
    }
    const subject = subjectOf(pattern.subjects ?? [], text);
    return { kind: pattern.kind, detail: detailAt(text, at), ...(subject ? { subject } : {}) };
  }
  return pattern.readsStructuredErrors && view.error && pattern.read ? pattern.read(text, '', view) : null;
}

/**
 * The signal a line gives, if any. A line the code logged at WARN level is a warning whatever it
 * mentions (a deprecation, a retried call): what failed an invocation is logged as an error.
 */
export function matchSignal(view: LogLineView): SignalMatch | null {
  const text = view.text.length > MAX_READ_CHARS ? view.text.slice(0, MAX_READ_CHARS) : view.text;
  if (view.level !== null ? WARN_LEVELS.has(view.level) : isWarnHeader(text)) return { kind: 'warning', detail: detailAt(text, 0) };
  for (const pattern of LOG_PATTERNS) {
    const match = tryPattern(pattern, text, view);
    if (match) return match;
  }
  if (view.level !== null) return null;
  return tryPattern(WARNING_PATTERN, text, view);
}
