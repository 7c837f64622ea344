import * as echarts from 'echarts';
import { LRUCache } from 'lru-cache';
import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemReturn, EChartsOption } from 'echarts';

// Why: docs/decisions/0020-charts-echarts-server-svg.md — charts are Apache ECharts server-side SVG:
// a maintained library lays out axes, legends and labels, the page still runs no script, and the
// same SVG prints and screenshots.

export const COLORS = {
  resolved: '#0b7a43',
  falseClosure: '#c0392b',
  bar: '#2f6f8a',
  muted: '#8a9a91',
  text: '#2f3d35',
  whisker: '#1d2b23',
};

const FONT = 13;
/** Two drawings of each chart: one for wide screens, one for phones, so text stays at 12 px or more. */
const WIDE = 540;
const NARROW = 330;

/**
 * Drawn charts by what they show: ECharts takes tens of milliseconds a chart, and the same figures
 * (the dashboard a team reloads, the public board) are drawn again and again between updates.
 */
const drawn = new LRUCache<string, string>({ max: 400 });

function cached(key: unknown, width: number, draw: () => string): string {
  const k = `${width}:${JSON.stringify(key)}`;
  const hit = drawn.get(k);
  if (hit !== undefined) return hit;
  const svg = draw();
  drawn.set(k, svg);
  return svg;
}

function svgOf(option: EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({ animation: false, textStyle: { fontSize: FONT, color: COLORS.text }, ...option });
  const svg = chart.renderToSVGString();
  chart.dispose();
  // The picture is described by the table beside it; a reader is not read the drawing's fragments.
  return svg.replace('<svg ', '<svg aria-hidden="true" focusable="false" ');
}

export interface ChartProps {
  title: string;
  /** The text alternative: the chart's figures as a table, for screen readers and copying. */
  columns: string[];
  rows: (string | number)[][];
  /** The SVG for a width; every text in it is escaped by ECharts. */
  draw: (width: number) => string;
  id: string;
}

export function Chart(p: ChartProps) {
  return (
    <figure
      class="chart"
      role="img"
      aria-labelledby={`${p.id}-title`}
      data-chart={p.id}
      style={{ margin: 0, position: 'relative' }}
    >
      <figcaption id={`${p.id}-title`} class="visually-hidden">
        {p.title}
      </figcaption>
      <div class="wide" dangerouslySetInnerHTML={{ __html: p.draw(WIDE) }} />
      <div class="narrow" dangerouslySetInnerHTML={{ __html: p.draw(NARROW) }} />
      <div class="visually-hidden">
        <table>
          <caption>{p.title}</caption>
          <thead>
            <tr>
              {p.columns.map((c) => (
                <th scope="col">{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((r) => (
              <tr>
                {r.map((c) => (
                  <td>{c}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

export interface IntervalBar {
  label: string;
  /** 0..1 */
  value: number | null;
  interval?: { low: number; high: number } | null;
  /** Printed after the bar and its interval, never over them. */
  text: string;
  muted?: boolean;
}

/**
 * Horizontal bars with their 95% intervals: each row's name above its bar, the figure after the
 * interval's end, so no text crosses a bar, a whisker or another text. In Arabic the bars grow
 * from the right.
 */
export function intervalBars(bars: IntervalBar[], opts: { rtl: boolean; color?: string; max?: number }) {
  return (width: number): string =>
    cached(['bars', bars, opts], width, () => {
      const rowH = 48;
      const height = Math.max(1, bars.length) * rowH + 8;
      // Room after the longest bar for its figure: a fixed share of the width.
      const textRoom = width < 400 ? 0.62 : 0.42;
      const max = (opts.max ?? 1) / (1 - textRoom);
      const data = bars.map((b, i) => [
        i,
        b.value ?? 0,
        b.interval?.low ?? b.value ?? 0,
        b.interval?.high ?? b.value ?? 0,
      ]);
      const renderItem = (
        params: { dataIndex: number },
        api: CustomSeriesRenderItemAPI,
      ): CustomSeriesRenderItemReturn => {
        const b = bars[params.dataIndex];
        if (!b) return { type: 'group', children: [] };
        const y = params.dataIndex;
        const [x0 = 0, yc = 0] = api.coord([0, y]);
        const [xv = 0] = api.coord([b.value ?? 0, y]);
        const [xl = 0] = api.coord([b.interval?.low ?? b.value ?? 0, y]);
        const [xh = 0] = api.coord([b.interval?.high ?? b.value ?? 0, y]);
        const barTop = yc + 2;
        const barH = 16;
        const dir = opts.rtl ? -1 : 1;
        const end = opts.rtl ? Math.min(xv, xh) : Math.max(xv, xh);
        const color = b.muted ? COLORS.muted : (opts.color ?? COLORS.bar);
        const children: NonNullable<CustomSeriesRenderItemReturn>[] = [
          {
            type: 'text',
            x: x0,
            y: yc - 14,
            style: {
              text: b.label,
              align: opts.rtl ? 'right' : 'left',
              verticalAlign: 'middle',
              fontSize: FONT,
              fill: COLORS.text,
            },
          },
          {
            type: 'rect',
            shape: { x: Math.min(x0, xv), y: barTop, width: Math.abs(xv - x0), height: barH },
            style: { fill: color },
          },
          {
            type: 'text',
            x: end + dir * 8,
            y: barTop + barH / 2,
            style: {
              text: b.text,
              align: opts.rtl ? 'right' : 'left',
              verticalAlign: 'middle',
              fontSize: FONT,
              fill: COLORS.text,
            },
          },
        ];
        if (b.interval)
          children.push({
            type: 'group',
            children: [
              {
                type: 'line',
                shape: { x1: xl, y1: barTop + barH / 2, x2: xh, y2: barTop + barH / 2 },
                style: { stroke: COLORS.whisker, lineWidth: 1.5 },
              },
              {
                type: 'line',
                shape: { x1: xl, y1: barTop + 2, x2: xl, y2: barTop + barH - 2 },
                style: { stroke: COLORS.whisker, lineWidth: 1.5 },
              },
              {
                type: 'line',
                shape: { x1: xh, y1: barTop + 2, x2: xh, y2: barTop + barH - 2 },
                style: { stroke: COLORS.whisker, lineWidth: 1.5 },
              },
            ],
          });
        return { type: 'group', children };
      };
      return svgOf(
        {
          grid: { left: 6, right: 6, top: 4, bottom: 4, containLabel: false },
          xAxis: { type: 'value', min: 0, max, inverse: opts.rtl, show: false },
          yAxis: { type: 'category', data: bars.map((_, i) => i), inverse: true, show: false },
          series: [{ type: 'custom', data, renderItem, clip: false }],
        },
        width,
        height,
      );
    });
}

/** Rates over time, 0–100%; the time axis runs left to right in both languages, as on a calendar. */
export function rateLines(
  labels: string[],
  series: { name: string; color: string; values: (number | null)[] }[],
) {
  return (width: number): string =>
    cached(['lines', labels, series], width, () =>
      svgOf(
        {
          legend: {
            top: 0,
            textStyle: { fontSize: FONT },
            itemGap: 20,
            itemWidth: 14,
            itemHeight: 10,
            icon: 'rect',
          },
          grid: { left: 8, right: 16, top: width < 400 ? 56 : 36, bottom: 8, containLabel: true },
          xAxis: {
            type: 'category',
            data: labels,
            axisLabel: { fontSize: FONT, hideOverlap: true, color: COLORS.text, margin: 10 },
            axisTick: { show: false },
            axisLine: { show: false },
          },
          yAxis: rateAxis({ margin: 10 }),
          series: series.map((s) => ({
            name: s.name,
            type: 'line',
            data: s.values,
            connectNulls: false,
            color: s.color,
            symbolSize: 6,
            lineStyle: { width: 2.5 },
          })),
        },
        width,
        width < 400 ? 260 : 280,
      ),
    );
}

/** Counts as upright columns (ratings 1–5), each count above its column. */
export function countColumns(bars: { label: string; value: number }[]) {
  return (width: number): string =>
    cached(['columns', bars], width, () =>
      svgOf(
        {
          grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
          xAxis: {
            type: 'category',
            data: bars.map((b) => b.label),
            axisLabel: { fontSize: FONT, color: COLORS.text },
          },
          yAxis: { type: 'value', show: false },
          series: [
            {
              type: 'bar',
              data: bars.map((b) => b.value),
              color: COLORS.bar,
              barMaxWidth: 48,
              label: { show: true, position: 'top', fontSize: FONT, color: COLORS.text },
            },
          ],
        },
        width,
        220,
      ),
    );
}

export interface FunnelDot {
  label: string;
  n: number;
  rate: number;
  band: 'above' | 'within' | 'below';
}

/** The 0–100% value axis of every rate chart, in quarters. */
function rateAxis(label: { margin?: number } = {}) {
  return {
    type: 'value' as const,
    min: 0,
    max: 1,
    interval: 0.25,
    axisLabel: {
      fontSize: FONT,
      color: COLORS.text,
      ...label,
      formatter: (v: number) => `${Math.round(v * 100)}%`,
    },
  };
}

/**
 * The funnel plot: each group's rate against its number of answers, around the overall rate, with
 * the 95% and 99.8% limits drawn as curves (computed by the caller, widened for overdispersion when
 * that applies). Points are not labelled (names would collide); the table beside it names them.
 */
export function funnelPlot(
  dots: FunnelDot[],
  curve: { n: number; low95: number; high95: number; low998: number; high998: number }[],
  target: number,
  names: {
    above: string;
    within: string;
    below: string;
    limit95: string;
    limit998: string;
    target: string;
    n: string;
  },
) {
  return (width: number): string =>
    cached(['funnel', dots, curve, target, names], width, () => {
      const colour = { above: COLORS.resolved, within: COLORS.bar, below: COLORS.falseClosure };
      const line = (name: string, key: 'low95' | 'high95' | 'low998' | 'high998', dashed: boolean) => ({
        name,
        type: 'line' as const,
        showSymbol: false,
        data: curve.map((c) => [c.n, c[key]]),
        lineStyle: {
          color: COLORS.muted,
          type: dashed ? ('dashed' as const) : ('solid' as const),
          width: 1.5,
        },
        itemStyle: { color: COLORS.muted },
        silent: true,
      });
      return svgOf(
        {
          // The legend is the page's (FunnelLegend): ECharts measures Arabic text without the font, and
          // on a server its guesses put icons over words.
          legend: { show: false },
          grid: { left: 8, right: 16, top: 16, bottom: 24, containLabel: true },
          xAxis: {
            type: 'value',
            name: names.n,
            nameLocation: 'middle',
            nameGap: 28,
            min: 0,
            axisLabel: { fontSize: FONT, color: COLORS.text, hideOverlap: true },
            splitLine: { show: false },
          },
          yAxis: rateAxis(),
          series: [
            line(names.limit95, 'low95', true),
            { ...line(names.limit95, 'high95', true) },
            line(names.limit998, 'low998', false),
            { ...line(names.limit998, 'high998', false) },
            {
              name: names.target,
              type: 'line',
              showSymbol: false,
              data:
                curve.length > 0
                  ? [
                      [0, target],
                      [curve[curve.length - 1]?.n ?? 0, target],
                    ]
                  : [],
              lineStyle: { color: COLORS.text, width: 1 },
              itemStyle: { color: COLORS.text },
              silent: true,
            },
            ...(['above', 'within', 'below'] as const).map((band) => ({
              name: names[band],
              type: 'scatter' as const,
              symbolSize: 9,
              itemStyle: { color: colour[band] },
              data: dots.filter((d) => d.band === band).map((d) => [d.n, d.rate]),
            })),
          ],
        },
        width,
        280,
      );
    });
}

/** The funnel plot's key, as text on the page. */
export function FunnelLegend(p: {
  above: string;
  within: string;
  below: string;
  limit95: string;
  limit998: string;
  target: string;
}) {
  const dot = (c: string) => (
    <span
      aria-hidden="true"
      style={{
        display: 'inline-block',
        width: '.7rem',
        height: '.7rem',
        borderRadius: '50%',
        background: c,
        marginInlineEnd: '.3rem',
      }}
    />
  );
  const bar = (style: string) => (
    <span
      aria-hidden="true"
      style={{
        display: 'inline-block',
        width: '1.4rem',
        borderTop: `2px ${style} ${COLORS.muted}`,
        marginInlineEnd: '.3rem',
        verticalAlign: 'middle',
      }}
    />
  );
  return (
    <ul class="presets" style={{ listStyle: 'none', padding: 0 }}>
      <li>
        {dot(COLORS.resolved)}
        {p.above}
      </li>
      <li>
        {dot(COLORS.bar)}
        {p.within}
      </li>
      <li>
        {dot(COLORS.falseClosure)}
        {p.below}
      </li>
      <li>
        {bar('dashed')}
        {p.limit95}
      </li>
      <li>
        {bar('solid')}
        {p.limit998}
      </li>
      <li>
        <span
          aria-hidden="true"
          style={{
            display: 'inline-block',
            width: '1.4rem',
            borderTop: `1px solid ${COLORS.text}`,
            marginInlineEnd: '.3rem',
            verticalAlign: 'middle',
          }}
        />
        {p.target}
      </li>
    </ul>
  );
}
