/**
 * Benchmark (not a test): `promptrca compare --html` over a JSON-lines file of 1,000,000 reports
 * (BENCH_REPORTS to change it) beside the same over a tenth of them, each in its own process under
 * /usr/bin/time -v, so that the ratios show how time and peak memory grow with the number of reports.
 * Run: npm run bench:compare
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReportLines } from './report-lines.js';

const REPORTS = Number(process.env.BENCH_REPORTS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'promptrca-compare-bench-'));

interface Run {
  reports: number;
  fileMiB: number;
  seconds: number;
  peakMiB: number;
  /** Reports compare counted, which must be all of them. */
  counted: number;
}

async function measure(reports: number): Promise<Run> {
  const path = join(dir, `reports-${reports}.jsonl`);
  await writeReportLines(path, reports);
  const html = join(dir, `compare-${reports}.html`);
  const command = [process.execPath, 'dist/src/cli.js', 'compare', path, '--json', '--html', html, '--current-percentage', '50'];
  const run = spawnSync('/usr/bin/time', ['-v', ...command], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`compare over ${reports} reports exited ${run.status}:\n${run.stderr}`);
  const elapsed = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(run.stderr);
  const peak = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr);
  const result = {
    reports,
    fileMiB: statSync(path).size / 2 ** 20,
    seconds: Number(elapsed?.[1] ?? 0) * 3_600 + Number(elapsed?.[2]) * 60 + Number(elapsed?.[3]),
    peakMiB: Number(peak?.[1]) / 1024,
    counted: (JSON.parse(run.stdout) as { reports: number }).reports,
  };
  rmSync(path);
  return result;
}

try {
  const small = await measure(Math.round(REPORTS / 10));
  const large = await measure(REPORTS);
  for (const run of [small, large]) {
    console.log(
      `compare --html over ${run.reports.toLocaleString('en-US')} reports (${run.fileMiB.toFixed(0)} MiB of JSON lines): ` +
        `${run.seconds.toFixed(1)} s, peak RSS ${run.peakMiB.toFixed(0)} MiB, ${run.counted.toLocaleString('en-US')} counted`,
    );
  }
  console.log(
    `${large.reports / small.reports}× the reports: ${(large.seconds / small.seconds).toFixed(1)}× the time, ` +
      `${(large.peakMiB / small.peakMiB).toFixed(1)}× the peak memory`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
