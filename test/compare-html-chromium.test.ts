import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORCHESTRATOR_COLORS } from '../src/report/compare-html.js';
import { craftReports, healthyRollout, spread } from './support/crafted-reports.js';
import { HeadlessChromium } from './support/headless-chromium.js';
import { countColor, decodePng } from './support/png.js';
import { runCli } from './support/run-cli.js';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface DrawnBar extends Box {
  series: string;
}
interface DrawnChart {
  id: string;
  box: Box;
  bars: DrawnBar[];
  marker: Box | null;
  categories: Array<{ text: string; box: Box }>;
}

// Runs in the page: what the browser actually laid out, in page coordinates.
const MEASURE_CHARTS = `(() => {
  const box = (element) => { const r = element.getBoundingClientRect(); return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }; };
  return [...document.querySelectorAll('svg.chart')].map((svg) => ({
    id: svg.id,
    box: box(svg),
    bars: [...svg.querySelectorAll('rect.bar')].map((bar) => ({ series: bar.dataset.series, ...box(bar) })),
    marker: svg.querySelector('line.marker') && box(svg.querySelector('line.marker')),
    categories: [...svg.querySelectorAll('text.category')].map((text) => ({ text: text.textContent, box: box(text) })),
  }));
})()`;

const drawn = (chart: DrawnChart, series: string) => chart.bars.filter((bar) => bar.series === series && bar.height > 0.5);

describe('compare --html in headless Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'promptrca-compare-html-'));
  const page = join(dir, 'compare.html');
  let browser: HeadlessChromium;
  let charts: DrawnChart[];

  beforeAll(async () => {
    const reports = [
      ...healthyRollout(40, 60),
      // A slow tail and a spread of confidences, so the charts have several bars per series.
      ...craftReports('agent_tools', 6, (i) => ({ duration: spread(30, i), tokens: 9_000, confidence: 0.55 + i * 0.05 })),
      ...craftReports('direct_invocation', 4, (i) => ({ duration: spread(3, i), tokens: 1_200, confidence: 0.72 + i * 0.06, facts: 5 })),
    ];
    const input = join(dir, 'reports.jsonl');
    writeFileSync(input, reports.map((report) => JSON.stringify(report)).join('\n'));
    const run = await runCli(['compare', input, '--current-percentage', '10', '--html', page]);
    expect(run.stderr).toContain(`compare: wrote ${page}`);
    expect(run.code).toBe(0);
    browser = await HeadlessChromium.open(pathToFileURL(page).href);
    charts = await browser.evaluate<DrawnChart[]>(MEASURE_CHARTS);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fetches nothing but the page itself: no CDN, no network', () => {
    expect(browser.requests).toEqual([pathToFileURL(page).href]);
    expect(readFileSync(page, 'utf8')).not.toMatch(/<script|<link|src=|href=/i);
  });

  it('shows the verdict with its reasons', async () => {
    const heading = await browser.evaluate<string>(`document.querySelector('#verdict h2').textContent`);
    expect(heading).toBe('Verdict at 10%: promote to 25%');
    expect(await browser.evaluate<number>(`document.querySelectorAll('#verdict li').length`)).toBe(6);
  });

  it('lays out the three charts at a readable size', () => {
    expect(charts.map((chart) => chart.id)).toEqual(['chart-duration', 'chart-tokens', 'chart-confidence']);
    for (const chart of charts) {
      expect(chart.box.width).toBeGreaterThan(600);
      expect(chart.box.height).toBeGreaterThan(250);
      for (const bar of chart.bars) {
        expect(bar.x).toBeGreaterThanOrEqual(chart.box.x);
        expect(bar.x + bar.width).toBeLessThanOrEqual(chart.box.x + chart.box.width);
        expect(bar.y + bar.height).toBeLessThanOrEqual(chart.box.y + chart.box.height);
      }
    }
  });

  it('draws the duration distribution in doubling bins, direct_invocation to the left of agent_tools', () => {
    const [duration] = charts;
    const direct = drawn(duration!, 'direct_invocation');
    const agent = drawn(duration!, 'agent_tools');
    expect(direct.length).toBeGreaterThanOrEqual(2);
    expect(agent.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...direct.map((bar) => bar.x))).toBeLessThan(Math.min(...agent.map((bar) => bar.x)));
    // Doubling bins from the fastest (1.6 s) to the slowest (34.8 s) investigation.
    expect(duration!.categories.map((category) => category.text)).toEqual(['< 2', '2–4', '4–8', '8–16', '16–32', '32–64']);
  });

  it('draws mean tokens to scale: agent_tools total about 4.7 times direct_invocation', () => {
    const tokens = charts[1]!;
    const total = (series: string) => drawn(tokens, series).at(-1)!.height;
    const directMean = (40 * 1_500 + 4 * 1_200) / 44;
    const agentMean = (60 * 6_000 + 6 * 9_000) / 66;
    expect(total('agent_tools') / total('direct_invocation')).toBeCloseTo(agentMean / directMean, 1);
  });

  it('draws the confidence distribution with the 0.70 gate between the 0.6 and 0.7 bins', () => {
    const confidence = charts[2]!;
    expect(drawn(confidence, 'direct_invocation').length).toBeGreaterThanOrEqual(2);
    expect(drawn(confidence, 'agent_tools').length).toBeGreaterThanOrEqual(3);
    const label = (text: string) => confidence.categories.find((category) => category.text === text)!.box;
    expect(confidence.marker!.x).toBeGreaterThan(label('0.6–0.7').x);
    expect(confidence.marker!.x).toBeLessThan(label('0.7–0.8').x + label('0.7–0.8').width);
    expect(confidence.marker!.height).toBeGreaterThan(150);
  });

  it('paints every chart with both orchestrator colours (screenshot pixels, not just markup)', async () => {
    for (const chart of charts) {
      const pixels = decodePng(await browser.screenshot(chart.box));
      expect(pixels.width).toBe(Math.round(chart.box.width));
      const direct = countColor(pixels, ORCHESTRATOR_COLORS.direct_invocation);
      const agent = countColor(pixels, ORCHESTRATOR_COLORS.agent_tools);
      const white = countColor(pixels, '#ffffff');
      expect({ chart: chart.id, direct: direct > 500, agent: agent > 500 }).toEqual({ chart: chart.id, direct: true, agent: true });
      expect(white).toBeGreaterThan(pixels.width * pixels.height * 0.3);
      expect(white).toBeLessThan(pixels.width * pixels.height * 0.98);
    }
  });
});
