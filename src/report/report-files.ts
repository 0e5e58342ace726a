import { parseJson, readText } from '../platform/files.js';
import { ReportFileError } from './errors.js';
import type { ReportCollection } from './report-collection.js';

const holdsObject = (line: string) => {
  const parsed = parseJson(line);
  return parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value);
};

/** Where a JSON.parse error is: its line when the message gives a position ("… at position 120"). */
function whereIsError(path: string, text: string, error: Error): string {
  const position = /at position (\d+)/.exec(error.message)?.[1];
  return position === undefined ? path : `${path} line ${text.slice(0, Number(position)).split('\n').length}`;
}

/**
 * Adds the reports of one file to the collection. A file holds one report (`investigate --json`),
 * a JSON array of reports, or JSON lines (`results --json`), told apart by parsing: a file that is
 * not one JSON document but has a line holding a whole JSON object is read as JSON lines.
 */
export async function collectReportFile(path: string, collection: ReportCollection): Promise<void> {
  const text = readText(path, (reason) => new ReportFileError(`cannot read report file ${path}: ${reason}`));
  if (text.trim() === '') return collection.addUnreadable(path, 'empty file, no reports in it');

  const document = parseJson(text);
  if (document.ok) {
    if (!Array.isArray(document.value)) return collection.add(document.value, path);
    for (const [index, value] of document.value.entries()) collection.add(value, `${path} element ${index + 1}`);
    return;
  }
  const lines = text.split('\n');
  if (!lines.some(holdsObject)) {
    return collection.addUnreadable(whereIsError(path, text, document.error), `not valid JSON: ${document.error.message}`);
  }
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const location = `${path} line ${index + 1}`;
    const parsed = parseJson(line);
    if (parsed.ok) collection.add(parsed.value, location);
    else collection.addUnreadable(location, `not JSON: ${parsed.error.message}`);
  });
}
