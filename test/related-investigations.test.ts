import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type RedisClient } from '../src/platform/redis-connection.js';
import { readAlarmFile } from '../src/producer/alarm-input.js';
import { enqueueInvestigation } from '../src/producer/enqueue.js';
import { investigationIdFor } from '../src/producer/investigation-id.js';
import { parseAlarmMessage } from '../src/producer/parse-alarm.js';
import type { CompareResult } from '../src/report/compare-result.js';
import type { PromptRcaQueues } from '../src/report/queues.js';
import { MAX_RELATED_LISTED, RelatedInvestigations } from '../src/report/related-investigations.js';
import type { Report } from '../src/report/report.js';
import { slackMessage } from '../src/report/sinks/slack-message.js';
import { webhookPayload } from '../src/report/sinks/webhook-payload.js';
import { craftReport } from './support/crafted-reports.js';
import {
  deleteKeys,
  distinctAlarms,
  enqueueAll,
  openQueues,
  REDIS_URL,
  runCli,
  type SpawnedProcess,
  startWorker,
  stopAll,
  uniquePrefix,
  waitForReports,
} from './support/pipeline.js';

const settings = { dedupeTtlSeconds: 3600, attempts: 1, backoffSeconds: 0 };

describe('a storm of one function through the worker: one incident', () => {
  const prefix = uniquePrefix('related');
  const env = { PROMPTRCA_QUEUE_PREFIX: prefix, PROMPTRCA_FORCE_ORCHESTRATOR: 'direct', PROMPTRCA_AWS_REPLAY: 'examples' };
  let queues: PromptRcaQueues;
  let worker: SpawnedProcess;
  let storm: string[];
  let other: string;
  let reports: Map<string, Report>;

  beforeAll(async () => {
    queues = await openQueues(prefix);
    worker = await startWorker(env, ['--llm', 'none', '--concurrency', '5']);
    storm = await enqueueAll(queues, distinctAlarms(15), settings);
    const { alarm } = parseAlarmMessage(readAlarmFile('examples/node-out-of-memory-with-econnreset.json').message);
    other = investigationIdFor(alarm);
    await enqueueInvestigation(queues.investigations, { investigationId: other, alarm }, { source: 'test', settings });
    reports = new Map((await waitForReports(queues, 16, 60_000)).map((report) => [report.investigation_id, report]));
  }, 90_000);

  afterAll(async () => {
    await stopAll([worker]);
    await queues.close();
    await deleteKeys(prefix);
  });

  it('each report names those of its function before it, all share one incident, and between them every report is named', () => {
    const related = storm.map((id) => reports.get(id)!.related!);
    expect(new Set(related.map((r) => r.resource))).toEqual(new Set(['lambda orders-api (us-east-1, 123456789012)']));
    // Registration order is the order the worker finished them: the first names none, the last names 14.
    expect(related.map((r) => r.investigations.length + r.more).sort((a, b) => a - b)).toEqual([...Array(15).keys()]);
    const first = storm.find((id) => reports.get(id)!.related!.investigations.length === 0)!;
    expect(new Set(related.map((r) => r.incident_id))).toEqual(new Set([first]));
    // Every pair is named once: by the later of the two.
    const named = related.flatMap((r, index) => r.investigations.map((entry) => [storm[index], entry.investigation_id].sort().join(' ')));
    expect(new Set(named).size).toBe((15 * 14) / 2);
    expect(related.flatMap((r) => r.investigations)).toContainEqual({
      investigation_id: first,
      alarm_name: 'orders-api-errors',
      started_at: reports.get(first)!.started_at,
    });
  });

  it('another function is an incident of its own', () => {
    const related = reports.get(other)!.related!;
    expect(related.resource).not.toContain('orders-api');
    expect(related).toMatchObject({ incident_id: other, investigations: [], more: 0 });
  });

  it('results says of each storm report that 14 others belong to it; compare counts 2 incidents of 16 investigations', async () => {
    const results = await runCli(['results', '--last', '100'], env);
    expect(results.code).toBe(0);
    const lines = results.stdout.trim().split('\n');
    expect(lines).toHaveLength(16);
    const stormLines = lines.filter((line) => storm.some((id) => line.includes(` ${id} `)));
    expect(stormLines).toHaveLength(15);
    for (const line of stormLines)
      expect(line).toMatch(/ · related: 14 other investigations of lambda orders-api \(us-east-1, 123456789012\) \(incident /);
    expect(lines.find((line) => line.includes(` ${other} `))).not.toContain('related:');

    const compare = await runCli(['compare', '--json'], env);
    const result = JSON.parse(compare.stdout) as CompareResult;
    expect(result.comparison).toMatchObject({ investigations: 16, incidents: 2 });
    const text = await runCli(['compare'], env);
    expect(text.stdout).toContain('Investigations: 16 in 2 incidents');
  });

  it('Slack says which alarm of the incident this is; the webhook payload carries related', () => {
    const last = storm.map((id) => reports.get(id)!).find((report) => report.related!.investigations.length === 14)!;
    const slack = JSON.stringify(slackMessage({ kind: 'report', report: last }).blocks);
    expect(slack).toContain('*Incident:* alarm 15 on lambda orders-api (us-east-1, 123456789012) in this incident: 14 earlier');
    const payload = webhookPayload({ kind: 'report', report: last });
    expect(payload.related).toEqual(last.related);
    expect(payload.incident).toMatch(/^alarm 15 on lambda orders-api/);
    const firstPayload = webhookPayload({ kind: 'report', report: reports.get(last.related!.incident_id)! });
    expect(firstPayload.incident).toBeNull();
  });
});

describe('the related index', () => {
  const prefix = uniquePrefix('related-index');
  let redis: RedisClient;
  let now = Date.UTC(2025, 5, 1);
  const index = () => new RelatedInvestigations({ redis, keyPrefix: prefix, windowMinutes: 30, now: () => now });
  const lambdaReport = (id: string, name = 'orders-api') => ({
    ...craftReport('direct_invocation', { id }),
    resources: [{ type: 'lambda', name, region: 'us-east-1', via: 'alarm' as const }],
  });

  beforeAll(async () => {
    redis = await connectRedis(REDIS_URL, 'worker');
  });
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('lists at most 20 by name and counts the rest; a retry registers nothing twice', async () => {
    const related = index();
    for (let i = 0; i < 25; i += 1) await related.register(lambdaReport(`many-${i}`, 'busy'));
    const last = await related.register(lambdaReport('many-25', 'busy'));
    expect(last!.investigations).toHaveLength(MAX_RELATED_LISTED);
    expect(last!.investigations[0]!.investigation_id).toBe('many-0');
    expect(last!.more).toBe(5);
    expect(await related.register(lambdaReport('many-3', 'busy'))).toMatchObject({ incident_id: 'many-0', more: 0 });
    expect((await related.register(lambdaReport('many-25', 'busy')))!.more).toBe(5);
  });

  it('leaves what is older than the window; the keys expire a window after the last registration', async () => {
    const related = index();
    await related.register(lambdaReport('early', 'gappy'));
    now += 20 * 60_000;
    expect(await related.register(lambdaReport('within', 'gappy'))).toMatchObject({ incident_id: 'early', more: 0 });
    now += 20 * 60_000;
    // 'early' left the window but 'within' did not: still the same incident, named by 'within' alone.
    const chained = await related.register(lambdaReport('chained', 'gappy'));
    expect(chained).toMatchObject({ incident_id: 'early' });
    expect(chained!.investigations.map((entry) => entry.investigation_id)).toEqual(['within']);
    now += 31 * 60_000;
    expect(await related.register(lambdaReport('new', 'gappy'))).toMatchObject({ incident_id: 'new', investigations: [], more: 0 });
    const keys = await redis.keys(`${prefix}:related:*gappy*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(29 * 60);
      expect(ttl).toBeLessThanOrEqual(30 * 60);
    }
    expect(await redis.zcard(keys.find((key) => !key.endsWith(':details'))!)).toBe(1);
  });

  it('a report without a resource relates to nothing; other accounts and regions are other resources', async () => {
    const related = index();
    expect(await related.register({ ...lambdaReport('none'), resources: [] })).toBeUndefined();
    await related.register(lambdaReport('here', 'twin'));
    const elsewhere = lambdaReport('elsewhere', 'twin');
    elsewhere.resources[0]!.region = 'eu-west-1';
    expect(await related.register(elsewhere)).toMatchObject({ incident_id: 'elsewhere', more: 0 });
  });
});
