import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../src/report/report.js';
import { noticeText } from '../src/report/sinks/notice.js';
import { retryAfterMs } from '../src/report/sinks/retry-after.js';
import { sinksFrom } from '../src/report/sinks/sink.js';
import { type SlackBlock, slackMessage } from '../src/report/sinks/slack-message.js';
import { bounded, escapeMrkdwn, SLACK_LIMITS } from '../src/report/sinks/slack-text.js';
import { webhookPayload } from '../src/report/sinks/webhook-payload.js';
import { craftReport } from './support/crafted-reports.js';

const textOf = (block: SlackBlock | undefined) =>
  block === undefined ? '' : block.type === 'context' ? (block.elements[0]?.text ?? '') : block.text.text;

describe('Slack message', () => {
  it('escapes untrusted text so that a log line cannot mention @channel or forge a link', () => {
    const report = craftReport('direct_invocation', { id: 'inv-escape' });
    report.hypotheses[0]!.evidence = ['<!channel> errors & <https://evil.example|click here>'];
    report.root_cause!.description = 'a <b>bold</b> claim & more';
    report.advice = ['raise the timeout > 3 s'];
    const blocks = slackMessage({ kind: 'report', report }).blocks;
    const all = blocks.map(textOf).join('\n');
    expect(all).toContain('&lt;!channel&gt; errors &amp; &lt;https://evil.example|click here&gt;');
    expect(all).toContain('a &lt;b&gt;bold&lt;/b&gt; claim &amp; more');
    expect(all).toContain('• raise the timeout &gt; 3 s');
    expect(all).not.toMatch(/<[!h]/);
  });

  it('stays within Slack limits however long the report text is', () => {
    const report = craftReport('direct_invocation');
    const flood = '&'.repeat(20_000);
    report.alarm = { ...report.alarm!, name: `alarm-${'x'.repeat(400)}`, reason: flood };
    report.root_cause!.description = flood;
    report.hypotheses[0]!.evidence = Array.from({ length: 200 }, () => flood);
    report.advice = Array.from({ length: 200 }, () => flood);
    const message = slackMessage({ kind: 'report', report });
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(textOf(message.blocks[0]).length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    for (const block of message.blocks.slice(1)) {
      expect(textOf(block).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      // An escape is never cut in half.
      expect(textOf(block)).not.toMatch(/&(a|am|amp)?…/);
    }
    const evidence = message.blocks.find((block) => textOf(block).startsWith('*Evidence*'));
    expect(
      textOf(evidence)
        .split('\n')
        .filter((line) => line.startsWith('> ')),
    ).toHaveLength(5);
  });

  it('shortens a long alarm name in the header, never the root cause and its confidence', () => {
    const report = craftReport('direct_invocation');
    const name = `orders-api-${'x'.repeat(112)}`;
    expect(name).toHaveLength(123);
    report.alarm = { ...report.alarm!, name };
    report.root_cause = { type: 'out_of_memory', description: 'the function ran out of memory', confidence: 0.91 };
    const headerText = textOf(slackMessage({ kind: 'report', report }).blocks[0]);
    expect(headerText.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    expect(headerText).toMatch(/^orders-api-x+…: out_of_memory \(confidence 0\.91\)$/);
    // A name that fits is left whole.
    report.alarm = { ...report.alarm, name: 'orders-api-errors' };
    expect(textOf(slackMessage({ kind: 'report', report }).blocks[0])).toBe('orders-api-errors: out_of_memory (confidence 0.91)');
  });

  it('says why a failed investigation failed', () => {
    const report = craftReport('agent_tools', { status: 'failed', error: 'ThrottlingException: Rate exceeded', errorKind: 'transient' });
    const message = slackMessage({ kind: 'report', report });
    expect(textOf(message.blocks[0])).toBe('manual:checkout-api: investigation failed');
    expect(textOf(message.blocks[1])).toBe('*The investigation failed (transient):* ThrottlingException: Rate exceeded');
    expect(message.text).toContain('investigation failed — ThrottlingException: Rate exceeded');
  });

  it('announces a rollback by the guard with its reason', () => {
    const change = {
      at: '2025-01-02T03:04:05.000Z',
      who: 'ops@host (rollout guard)',
      reason: 'guard: error rate gate: 40% ≥ 10%',
      changes: [{ field: 'percentage', old: '25', new: '0' }],
      automatic: true,
    };
    const message = slackMessage({ kind: 'rollout_change', change });
    expect(textOf(message.blocks[0])).toBe('PromptRCA rollout rolled back by the guard');
    expect(textOf(message.blocks[1])).toBe('• percentage: 25 → 0\n*Reason:* guard: error rate gate: 40% ≥ 10%');
    expect(webhookPayload({ kind: 'rollout_change', change })).toEqual({
      event: 'rollout_change',
      text: 'PromptRCA rollout changed by the rollout guard (ops@host (rollout guard)): percentage 25 → 0 (guard: error rate gate: 40% ≥ 10%)',
      change,
    });
  });
});

describe('webhook payload', () => {
  it('carries the documented fields and the whole report', () => {
    const report = craftReport('direct_invocation', { id: 'inv-hook', confidence: 0.85 });
    const payload = webhookPayload({ kind: 'report', report });
    expect(payload).toEqual({
      event: 'report',
      investigation_id: 'inv-hook',
      orchestrator_type: 'direct_invocation',
      status: 'completed',
      alarm: { name: 'manual:checkout-api', region: 'eu-west-1', account: null },
      root_cause: report.root_cause,
      summary: report.summary,
      // A report written before `related` existed (or the first of its incident) says so with nulls.
      related: null,
      incident: null,
      text: 'manual:checkout-api: timeout (confidence 0.85) — the function ran out of time [investigation inv-hook]',
      report,
    });
    expect(ReportSchema.parse(payload.report)).toEqual(report);
    expect(noticeText({ kind: 'report', report })).toBe(payload.text);
  });
});

describe('sinks and retries', () => {
  it('names a sink by kind and a hash of its URL, shows only its origin, and counts a URL given twice once', () => {
    const sinks = sinksFrom({
      webhook: ['https://hooks.example.com/a?token=s3cret', 'https://hooks.example.com/a?token=s3cret'],
      slack: ['https://hooks.slack.com/services/T0/B0/xyz'],
    });
    expect(sinks.map((sink) => [sink.kind, sink.label])).toEqual([
      ['webhook', 'https://hooks.example.com/…'],
      ['slack', 'https://hooks.slack.com/…'],
    ]);
    expect(sinks[0]?.id).toMatch(/^webhook-[0-9a-f]{8}$/);
    expect(JSON.stringify(sinks.map(({ id, label }) => ({ id, label })))).not.toMatch(/s3cret|xyz/);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-02T03:04:05Z');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Thu, 02 Jan 2025 03:04:35 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Thu, 02 Jan 2025 03:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });

  it('escapes and bounds mrkdwn text', () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(bounded('abcdef', 4)).toBe('abc…');
    expect(bounded('ab&amp;cd', 5)).toBe('ab…');
  });
});
