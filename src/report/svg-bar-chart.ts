import { escapeHtml } from './html-escape.js';

export interface BarSeries {
  name: string;
  color: string;
  /** One value per category. */
  values: readonly number[];
}

export interface BarChart {
  /** The chart's element id, also the prefix of its parts' ids. */
  id: string;
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  yLabel: string;
  formatValue: (value: number) => string;
  /** A dashed vertical line before category `beforeCategory` (a gate threshold). */
  marker?: { beforeCategory: number; label: string };
}

const WIDTH = 760;
const HEIGHT = 320;
const MARGIN = { top: 40, right: 16, bottom: 56, left: 64 };
/** About this many gridlines on the y axis. */
const TICKS = 5;

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above `value`, so axis ticks are round numbers. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((factor) => factor * magnitude >= value) ?? 10;
  return step * magnitude;
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * A grouped bar chart as inline SVG: one group per category, one bar per series, a y axis from zero
 * with round ticks, a legend, and a tooltip (<title>) on every bar. Drawn here rather than by a
 * script so that the page shows its charts even where scripts are blocked (mail, ticket previews).
 */
export function barChartSvg(chart: BarChart): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const highest = chart.series.reduce((high, series) => series.values.reduce((max, value) => Math.max(max, value), high), 0);
  const step = niceCeiling(highest / TICKS);
  const ticks = Math.max(1, Math.ceil(highest / step));
  const top = step * ticks;
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const groupWidth = plotWidth / Math.max(1, chart.categories.length);
  const barWidth = (groupWidth * 0.8) / Math.max(1, chart.series.length);
  const parts: string[] = [];

  for (let tick = 0; tick <= ticks; tick++) {
    const value = step * tick;
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(y(value))}" y2="${round(y(value))}" stroke="#e5e7eb"/>`,
      `<text x="${MARGIN.left - 6}" y="${round(y(value) + 4)}" text-anchor="end">${escapeHtml(chart.formatValue(value))}</text>`,
    );
  }
  chart.categories.forEach((category, index) => {
    const groupX = MARGIN.left + index * groupWidth;
    chart.series.forEach((series, seriesIndex) => {
      const value = series.values[index] ?? 0;
      const x = groupX + groupWidth * 0.1 + seriesIndex * barWidth;
      const tooltip = `${series.name}, ${category}: ${chart.formatValue(value)}`;
      parts.push(
        `<rect class="bar" data-series="${escapeHtml(series.name)}" x="${round(x)}" y="${round(y(value))}" ` +
          `width="${round(barWidth - 1)}" height="${round(y(0) - y(value))}" fill="${series.color}"><title>${escapeHtml(tooltip)}</title></rect>`,
      );
    });
    parts.push(
      `<text class="category" x="${round(groupX + groupWidth / 2)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escapeHtml(category)}</text>`,
    );
  });
  if (chart.marker) {
    const x = round(MARGIN.left + chart.marker.beforeCategory * groupWidth);
    parts.push(
      `<line class="marker" x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#111827" stroke-dasharray="4 3"/>`,
      `<text x="${x + 4}" y="${MARGIN.top + 12}">${escapeHtml(chart.marker.label)}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(0)}" y2="${y(0)}" stroke="#374151"/>`,
    `<text x="14" y="${MARGIN.top + plotHeight / 2}" transform="rotate(-90 14 ${MARGIN.top + plotHeight / 2})" text-anchor="middle">${escapeHtml(chart.yLabel)}</text>`,
  );
  chart.series.forEach((series, index) => {
    const x = MARGIN.left + index * 180;
    parts.push(
      `<rect class="legend" x="${x}" y="12" width="12" height="12" fill="${series.color}"/>`,
      `<text x="${x + 18}" y="22">${escapeHtml(series.name)}</text>`,
    );
  });
  return (
    `<svg id="${escapeHtml(chart.id)}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
    `width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(chart.title)}" font-family="sans-serif" font-size="11" fill="#111827">` +
    `<title>${escapeHtml(chart.title)}</title>${parts.join('')}</svg>`
  );
}
