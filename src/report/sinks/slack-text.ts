/** Slack's own limits on Block Kit: a header's text, a section's text, blocks per message. */
export const SLACK_LIMITS = { headerText: 150, sectionText: 3_000, blocks: 50 } as const;

const CONTROL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Untrusted text (log lines, alarm text, model answers) made inert in Slack mrkdwn: `<` would open a
 * link or a mention such as `<!channel>`, and `&` an entity.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (char) => CONTROL[char] ?? char);
}

/** Text cut to `max` characters with an ellipsis; an escape (`&amp;`) is never cut in half. */
export function bounded(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]*$/, '')}…`;
}
