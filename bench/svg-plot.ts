/**
 * A small line chart as SVG text, for the soak's plot beside its results: stacked panels sharing
 * the time axis, each with its own y axis and legend. Written by hand (no dependency): a few
 * polylines and labels, readable in any browser and in a Markdown preview.
 */

export interface Series {
  label: string;
  points: [number, number][];
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2'];
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Round tick steps (1, 2, 5 × 10^n) giving about `count` ticks over [0, max]. */
function ticks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = 0; v <= max + step / 2; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

export function lineChart(opts: { title: string; xLabel: string; panels: Panel[] }): string {
  const width = 900;
  const panelHeight = 220;
  const left = 70;
  const right = 180;
  const top = 40;
  const gap = 50;
  const plotW = width - left - right;
  const height = top + opts.panels.length * (panelHeight + gap) + 10;
  const allX = opts.panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([x]) => x)));
  const xMax = Math.max(1, ...allX);
  const xTicks = ticks(xMax, 8);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escape(opts.title)}</text>`,
  ];
  opts.panels.forEach((panel, i) => {
    const y0 = top + i * (panelHeight + gap);
    const yMaxRaw = Math.max(0, ...panel.series.flatMap((s) => s.points.map(([, y]) => y)));
    const yTicks = ticks(yMaxRaw * 1.05 || 1);
    const yMax = yTicks[yTicks.length - 1] ?? 1;
    const px = (x: number) => left + (x / (xTicks[xTicks.length - 1] ?? xMax)) * plotW;
    const py = (y: number) => y0 + panelHeight - (y / yMax) * panelHeight;
    parts.push(
      `<text x="${left}" y="${y0 - 8}" font-size="13">${escape(panel.title)} (${escape(panel.unit)})</text>`,
    );
    parts.push(
      `<rect x="${left}" y="${y0}" width="${plotW}" height="${panelHeight}" fill="none" stroke="#999"/>`,
    );
    for (const t of yTicks) {
      parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`);
      parts.push(`<text x="${left - 6}" y="${py(t) + 4}" text-anchor="end">${t}</text>`);
    }
    for (const t of xTicks)
      parts.push(`<text x="${px(t)}" y="${y0 + panelHeight + 16}" text-anchor="middle">${t}</text>`);
    panel.series.forEach((s, k) => {
      const colour = COLOURS[k % COLOURS.length] ?? '#000';
      if (s.points.length > 0)
        parts.push(
          `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${s.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`,
        );
      const ly = y0 + 14 + k * 18;
      parts.push(
        `<line x1="${left + plotW + 12}" x2="${left + plotW + 32}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
      );
      parts.push(`<text x="${left + plotW + 38}" y="${ly}">${escape(s.label)}</text>`);
    });
  });
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 4}" text-anchor="middle">${escape(opts.xLabel)}</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
