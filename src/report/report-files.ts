import { parseJson, readLines } from '../platform/files.js';
import { ReportFileError } from './errors.js';
import type { ReportCollection } from './report-collection.js';

/** The line as one JSON object, or null when it is not one on its own. */
function objectOn(line: string): { value: unknown } | null {
  const parsed = parseJson(line);
  return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value)
    ? { value: parsed.value }
    : null;
}

/** Where a JSON.parse error is: its line when the message gives a position ("… at position 120"). */
function whereIsError(path: string, text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  return position === undefined ? path : `${path} line ${text.slice(0, Number(position)).split('\n').length}`;
}

function addLine(collection: ReportCollection, location: string, line: string): void {
  const parsed = parseJson(line);
  if (parsed.ok) collection.add(parsed.value, location);
  else collection.addUnreadable(location, `not JSON: ${parsed.error.message}`);
}

/** A file that is one JSON document (a report, or an array of them), read whole: such files are small. */
function collectDocument(path: string, text: string, collection: ReportCollection): void {
  const document = parseJson(text);
  const lines = text.split('\n');
  if (document.ok && Array.isArray(document.value)) {
    for (const [index, value] of document.value.entries()) collection.add(value, `${path} element ${index + 1}`);
  } else if (document.ok) {
    collection.add(document.value, path);
  } else if (!lines.some((line) => objectOn(line) !== null)) {
    collection.addUnreadable(whereIsError(path, text, document.error), `not valid JSON: ${document.error.message}`);
  } else {
    // JSON lines whose first line is broken: still read line by line.
    lines.forEach((line, index) => {
      if (line.trim() !== '') addLine(collection, `${path} line ${index + 1}`, line);
    });
  }
}

/**
 * Adds the reports of one file to the collection. A file holds one report (`investigate --json`),
 * a JSON array of reports, or JSON lines (`results --json`). The first line that is not blank
 * decides: a whole JSON object on it means JSON lines, streamed line by line so that a file of a
 * million reports is never held in memory; anything else is one document, read whole. A file with
 * a single line holding a report is one report, named by the file alone.
 */
export async function collectReportFile(path: string, collection: ReportCollection): Promise<void> {
  const lines = readLines(path, (reason) => new ReportFileError(`cannot read report file ${path}: ${reason}`));
  let mode: 'undecided' | 'lines' | 'document' = 'undecided';
  const documentLines: string[] = [];
  /** The first object line, held until a second line shows the file is JSON lines rather than one report. */
  let first: { value: unknown; number: number } | null = null;
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (mode === 'lines') {
      if (line.trim() === '') continue;
      if (first) {
        collection.add(first.value, `${path} line ${first.number}`);
        first = null;
      }
      addLine(collection, `${path} line ${number}`, line);
    } else if (mode === 'document' || line.trim() === '') {
      documentLines.push(line);
    } else {
      const object = objectOn(line);
      if (object === null) {
        mode = 'document';
        documentLines.push(line);
      } else {
        mode = 'lines';
        first = { value: object.value, number };
      }
    }
  }
  if (first) collection.add(first.value, path);
  else if (mode === 'document') collectDocument(path, documentLines.join('\n'), collection);
  else if (mode === 'undecided') collection.addUnreadable(path, 'empty file, no reports in it');
}
