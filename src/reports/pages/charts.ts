import { esc } from './html.js';

/**
 * Charts drawn as SVG on the server: no script on the page, nothing to download, readable on a phone,
 * and the same picture in a screenshot, a print and a browser without JavaScript. Each chart carries
 * a title and a text description for screen readers.
 */

export const COLORS = {
  resolved: '#0b7a43',
  falseClosure: '#c0392b',
  bar: '#2f7d9a',
  muted: '#b9c4be',
  grid: '#e3e9e5',
  text: '#44554b',
};

const W = 600;

function svgOpen(height: number, title: string, desc: string): string {
  return `<svg viewBox="0 0 ${W} ${height}" role="img" aria-label="${esc(title)}" xmlns="http://www.w3.org/2000/svg" font-size="15" direction="ltr"><title>${esc(title)}</title><desc>${esc(desc)}</desc>`;
}

const pct = (v: number) => `${Math.round(v * 100)}%`;

export interface LineSeries {
  name: string;
  color: string;
  /** Ratios 0..1; null where the period has no answers (drawn as a gap, not as zero). */
  values: (number | null)[];
}

/** Rates over time; the time axis runs left to right in both languages, as on a printed calendar. */
export function lineChart(opts: {
  title: string;
  labels: string[];
  series: LineSeries[];
  emptyText: string;
}): string {
  const H = 270;
  const m = { l: 44, r: 14, t: 34, b: 46 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const n = opts.labels.length;
  const x = (i: number) => m.l + (n <= 1 ? iw / 2 : (i * iw) / (n - 1));
  const y = (v: number) => m.t + ih - v * ih;
  const desc = opts.series
    .map(
      (s) =>
        `${s.name}: ${opts.labels.map((l, i) => `${l} ${s.values[i] == null ? '–' : pct(s.values[i] ?? 0)}`).join(', ')}`,
    )
    .join('; ');
  let out = svgOpen(H, opts.title, desc);
  for (const g of [0, 0.25, 0.5, 0.75, 1]) {
    out += `<line x1="${m.l}" x2="${W - m.r}" y1="${y(g)}" y2="${y(g)}" stroke="${COLORS.grid}"/>`;
    out += `<text x="${m.l - 6}" y="${y(g) + 4}" text-anchor="end" fill="${COLORS.text}">${pct(g)}</text>`;
  }
  const step = Math.max(1, Math.ceil(n / 6));
  opts.labels.forEach((label, i) => {
    if (i % step !== 0 && i !== n - 1) return;
    out += `<text x="${x(i)}" y="${H - m.b + 18}" text-anchor="middle" fill="${COLORS.text}" font-size="11">${esc(label.slice(5))}</text>`;
  });
  const hasData = opts.series.some((s) => s.values.some((v) => v !== null));
  if (!hasData)
    out += `<text x="${W / 2}" y="${m.t + ih / 2}" text-anchor="middle" fill="${COLORS.text}">${esc(opts.emptyText)}</text>`;
  for (const s of opts.series) {
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 1)
        out += `<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${segment.join(' ')}"/>`;
      segment = [];
    };
    s.values.forEach((v, i) => {
      if (v === null) return flush();
      segment.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      out += `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.color}"/>`;
    });
    flush();
  }
  opts.series.forEach((s, i) => {
    const lx = m.l + i * 200;
    out += `<rect x="${lx}" y="8" width="14" height="14" rx="3" fill="${s.color}"/><text x="${lx + 20}" y="20" fill="${COLORS.text}">${esc(s.name)}</text>`;
  });
  return `${out}</svg>`;
}

/** Vertical bars with their counts, e.g. how many citizens rated 1, 2, … 5. */
export function columnChart(opts: {
  title: string;
  bars: { label: string; value: number }[];
  emptyText: string;
}): string {
  const H = 240;
  const m = { l: 14, r: 14, t: 24, b: 34 };
  const ih = H - m.t - m.b;
  const max = Math.max(0, ...opts.bars.map((b) => b.value));
  const slot = (W - m.l - m.r) / Math.max(1, opts.bars.length);
  let out = svgOpen(H, opts.title, opts.bars.map((b) => `${b.label}: ${b.value}`).join(', '));
  out += `<line x1="${m.l}" x2="${W - m.r}" y1="${m.t + ih}" y2="${m.t + ih}" stroke="${COLORS.grid}"/>`;
  opts.bars.forEach((b, i) => {
    const h = max > 0 ? (b.value / max) * (ih - 16) : 0;
    const bx = m.l + i * slot + slot * 0.2;
    out += `<rect x="${bx.toFixed(1)}" y="${(m.t + ih - h).toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${h.toFixed(1)}" rx="3" fill="${COLORS.bar}"/>`;
    out += `<text x="${(bx + slot * 0.3).toFixed(1)}" y="${(m.t + ih - h - 5).toFixed(1)}" text-anchor="middle" fill="${COLORS.text}">${b.value}</text>`;
    out += `<text x="${(bx + slot * 0.3).toFixed(1)}" y="${H - 10}" text-anchor="middle" fill="${COLORS.text}">${esc(b.label)}</text>`;
  });
  if (max === 0)
    out += `<text x="${W / 2}" y="${m.t + ih / 2}" text-anchor="middle" fill="${COLORS.text}">${esc(opts.emptyText)}</text>`;
  return `${out}</svg>`;
}

export interface HBar {
  label: string;
  /** Bar length as a share of the longest possible bar, 0..1. */
  share: number;
  /** Text printed at the end of the bar. */
  text: string;
  muted?: boolean;
  color?: string;
  /** The 95% interval as shares of the longest bar, drawn as an error bar over the bar. */
  interval?: { low: number; high: number } | null;
}

/**
 * Horizontal bars with labels, e.g. departments compared or the response funnel. In Arabic the label
 * sits on the right and the bar grows leftwards, the way the page reads.
 */
export function barList(opts: { title: string; bars: HBar[]; rtl: boolean; emptyText: string }): string {
  const rowH = 34;
  const H = Math.max(1, opts.bars.length) * rowH + 16;
  const labelW = 150;
  const textW = 190;
  const barMax = W - labelW - textW - 20;
  let out = svgOpen(H, opts.title, opts.bars.map((b) => `${b.label}: ${b.text}`).join(', '));
  if (opts.bars.length === 0)
    out += `<text x="${W / 2}" y="30" text-anchor="middle" fill="${COLORS.text}">${esc(opts.emptyText)}</text>`;
  opts.bars.forEach((b, i) => {
    const cy = 8 + i * rowH + rowH / 2;
    const len = Math.max(0, Math.min(1, b.share)) * barMax;
    const color = b.muted ? COLORS.muted : (b.color ?? COLORS.bar);
    const label = esc(b.label.length > 24 ? `${b.label.slice(0, 23)}…` : b.label);
    if (opts.rtl) {
      const right = W - labelW - 10;
      out += `<text x="${W - 4}" y="${cy + 4}" text-anchor="end" fill="${COLORS.text}">${label}</text>`;
      out += `<rect x="${(right - len).toFixed(1)}" y="${cy - 10}" width="${len.toFixed(1)}" height="20" rx="3" fill="${color}"/>`;
      out += `<text x="${(right - len - 6).toFixed(1)}" y="${cy + 4}" text-anchor="end" fill="${COLORS.text}">${esc(b.text)}</text>`;
      if (b.interval)
        out += errorBar(right - b.interval.low * barMax, right - b.interval.high * barMax, cy, b);
    } else {
      out += `<text x="4" y="${cy + 4}" fill="${COLORS.text}">${label}</text>`;
      out += `<rect x="${labelW}" y="${cy - 10}" width="${len.toFixed(1)}" height="20" rx="3" fill="${color}"/>`;
      out += `<text x="${(labelW + len + 6).toFixed(1)}" y="${cy + 4}" fill="${COLORS.text}">${esc(b.text)}</text>`;
      if (b.interval)
        out += errorBar(labelW + b.interval.low * barMax, labelW + b.interval.high * barMax, cy, b);
    }
  });
  return `${out}</svg>`;
}

/** A horizontal error bar with end caps from x1 to x2; carries the interval for readers and tests. */
function errorBar(x1: number, x2: number, cy: number, b: HBar): string {
  const attrs = `data-low="${(b.interval?.low ?? 0).toFixed(4)}" data-high="${(b.interval?.high ?? 0).toFixed(4)}"`;
  const a = x1.toFixed(1);
  const z = x2.toFixed(1);
  return `<g class="error-bar" ${attrs} stroke="#1d2b23" stroke-width="1.5"><line x1="${a}" x2="${z}" y1="${cy}" y2="${cy}"/><line x1="${a}" x2="${a}" y1="${cy - 6}" y2="${cy + 6}"/><line x1="${z}" x2="${z}" y1="${cy - 6}" y2="${cy + 6}"/></g>`;
}
