/** The text on one line, cut to `maxChars` with an ellipsis, so a quoted line cannot flood a log, a prompt or a report. */
export function clip(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
}
