import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReportFileError } from '../src/report/errors.js';
import { ReportCollection } from '../src/report/report-collection.js';
import { collectReportFile } from '../src/report/report-files.js';
import { parseSince } from '../src/report/since-option.js';
import { craftReport, craftReports } from './support/crafted-reports.js';

const dir = mkdtempSync(join(tmpdir(), 'promptrca-report-files-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const collect = async (paths: string[], since: Date | null = null) => {
  const collection = new ReportCollection({ since });
  for (const path of paths) await collectReportFile(path, collection);
  return collection.result();
};

describe('reading report files', () => {
  it('reads one report, a JSON array and JSON lines, naming each skipped entry by file and line or element', async () => {
    const [first, second, third] = craftReports('direct_invocation', 3);
    const single = file('single.json', JSON.stringify(first, null, 2));
    const array = file('array.json', JSON.stringify([second, first, { investigation_id: 'half' }], null, 2));
    const lines = file(
      'results.jsonl',
      [JSON.stringify(third), '{"truncated": ', '', JSON.stringify(craftReport('agent_tools'))].join('\n'),
    );

    const result = await collect([single, array, lines]);
    expect(result.reports.map((report) => report.investigation_id)).toHaveLength(4);
    expect(result.read).toBe(7);
    expect(result.skipped).toEqual([
      { location: `${array} element 2`, reason: `the direct_invocation ${first!.investigation_id} report again (first read at ${single})` },
      { location: `${array} element 3`, reason: expect.stringMatching(/^not a report: orchestrator_type: .*\(and \d+ more problems\)$/) },
      { location: `${lines} line 2`, reason: 'not JSON: Unexpected end of JSON input' },
    ]);
  });

  it('reports a broken JSON document once, at the line of the error, rather than line by line', async () => {
    const broken = file('broken.json', '{\n  "investigation_id": "x",\n  "status": "completed",\n}\n');
    const result = await collect([broken]);
    expect(result.skipped).toEqual([{ location: `${broken} line 4`, reason: expect.stringMatching(/^not valid JSON: /) }]);
    expect(result.read).toBe(1);
  });

  it('counts an empty file as skipped, and a missing one as bad input', async () => {
    const empty = file('empty.jsonl', '\n\n');
    expect((await collect([empty])).skipped).toEqual([{ location: empty, reason: 'empty file, no reports in it' }]);
    await expect(collect([join(dir, 'missing.json')])).rejects.toThrow(ReportFileError);
  });

  it('keeps only reports that started within the window, counting the others', async () => {
    const now = Date.UTC(2024, 2, 12, 12, 0);
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const reports = [
      craftReport('direct_invocation', { startedAt: at(10) }),
      craftReport('agent_tools', { startedAt: at(59) }),
      craftReport('agent_tools', { startedAt: at(61) }),
      craftReport('agent_tools', { startedAt: 'yesterday' }),
    ];
    const result = await collect([file('window.json', JSON.stringify(reports))], new Date(now - parseSince('1h')));
    expect(result.reports).toHaveLength(2);
    expect(result.outside_window).toBe(1);
    expect(result.skipped).toEqual([
      { location: expect.stringMatching(/element 4$/), reason: 'started_at "yesterday" is not an ISO-8601 time' },
    ]);
  });

  it('reports progress every 1,000 entries', async () => {
    const heard: number[] = [];
    const collection = new ReportCollection({ since: null, onProgress: (read) => heard.push(read) });
    const report = craftReport('agent_tools');
    for (let index = 0; index < 2_500; index++) collection.add({ ...report, investigation_id: `p-${index}` }, `entry ${index}`);
    expect(heard).toEqual([1_000, 2_000]);
  });
});

describe('compare options', () => {
  it('reads --since as minutes, hours or days and refuses anything else', () => {
    expect(parseSince('30m')).toBe(1_800_000);
    expect(parseSince('1h')).toBe(3_600_000);
    expect(parseSince('2d')).toBe(172_800_000);
    for (const bad of ['90s', '1.5h', '0h', 'h', '1 week', '-1d']) expect(() => parseSince(bad), bad).toThrow(/30m, 1h or 2d/);
  });
});
