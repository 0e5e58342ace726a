import type { InvocationReport } from '../evidence.js';

/** What an `INIT_REPORT` line (or a `platform.initReport` record) says about a failed or slow init. */
export interface InitReport {
  initDurationMs: number | null;
  phase: string | null;
  status: string | null;
  errorType: string | null;
}

const REQUEST_AND_DURATION = /RequestId: (\S+)\s+Duration: ([\d.]+) ms/;
const BILLED = /Billed Duration: (\d+) ms/;
const MEMORY_SIZE = /Memory Size: (\d+) MB/;
const MAX_MEMORY = /Max Memory Used: (\d+) MB/;
const INIT_DURATION = /Init Duration: ([\d.]+) ms/;
const PHASE = /Phase: (\w+)/;
const STATUS = /Status: (\w+)/;
const ERROR_TYPE = /Error Type: (\S+)/;

function numberIn(pattern: RegExp, line: string): number | null {
  const value = pattern.exec(line)?.[1];
  return value === undefined ? null : Number(value);
}

function wordIn(pattern: RegExp, line: string): string | null {
  return pattern.exec(line)?.[1] ?? null;
}

/** `REPORT RequestId: … Duration: … ms Billed Duration: … [Init Duration: …] [Status: … Error Type: …]`. */
export function parseReportLine(line: string): InvocationReport | null {
  const head = REQUEST_AND_DURATION.exec(line);
  if (!head?.[1] || !head[2]) return null;
  return {
    requestId: head[1],
    durationMs: Number(head[2]),
    billedDurationMs: numberIn(BILLED, line),
    memorySizeMb: numberIn(MEMORY_SIZE, line),
    maxMemoryUsedMb: numberIn(MAX_MEMORY, line),
    initDurationMs: numberIn(INIT_DURATION, line),
    status: wordIn(STATUS, line),
    errorType: wordIn(ERROR_TYPE, line),
  };
}

/** `INIT_REPORT Init Duration: … ms Phase: init Status: error Error Type: …`. */
export function parseInitReportLine(line: string): InitReport | null {
  const initDurationMs = numberIn(INIT_DURATION, line);
  const status = wordIn(STATUS, line);
  if (initDurationMs === null && status === null) return null;
  return { initDurationMs, phase: wordIn(PHASE, line), status, errorType: wordIn(ERROR_TYPE, line) };
}

type JsonObject = Record<string, unknown>;

function numberField(record: JsonObject | null, key: string): number | null {
  const value = record?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function stringField(record: JsonObject, key: string): string | null {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

function metricsOf(record: JsonObject): JsonObject | null {
  const metrics = record.metrics;
  return typeof metrics === 'object' && metrics !== null && !Array.isArray(metrics) ? (metrics as JsonObject) : null;
}

/** The `record` of a JSON-format `platform.report`. */
export function reportFromPlatformRecord(record: JsonObject): InvocationReport | null {
  const metrics = metricsOf(record);
  const durationMs = numberField(metrics, 'durationMs');
  if (durationMs === null) return null;
  return {
    requestId: stringField(record, 'requestId'),
    durationMs,
    billedDurationMs: numberField(metrics, 'billedDurationMs'),
    memorySizeMb: numberField(metrics, 'memorySizeMB'),
    maxMemoryUsedMb: numberField(metrics, 'maxMemoryUsedMB'),
    initDurationMs: numberField(metrics, 'initDurationMs'),
    status: stringField(record, 'status'),
    errorType: stringField(record, 'errorType'),
  };
}

/** The `record` of a JSON-format `platform.initReport`. */
export function initReportFromPlatformRecord(record: JsonObject): InitReport {
  return {
    initDurationMs: numberField(metricsOf(record), 'durationMs'),
    phase: stringField(record, 'phase'),
    status: stringField(record, 'status'),
    errorType: stringField(record, 'errorType'),
  };
}
