import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';
import { COLORS } from '../../../http/ui/charts.js';
import { esc } from '../../../http/ui/html.js';
import { isRightToLeft, type Language } from '../../../i18n/languages.js';
import { funnelLimitsAt } from '../../stats/funnel.js';
import type { DriftComparison } from './drift-rule.js';

// Why: docs/decisions/0020-charts-echarts-server-svg.md — the same ECharts server-side SVG as the
// dashboard's charts; mail clients drop inline SVG, so the mail carries it as a PNG Chromium draws.

const WIDTH = 600;
const HEIGHT = 300;

/**
 * The drift's funnel: the false-closure rate of each group of the agency against its answers, the
 * flagged group in red, between the 99.8% limits (as widened for the check) around the agency's rate.
 */
export function driftFunnelSvg(comparison: DriftComparison, flagged: string, names: { n: string }): string {
  const maxN = Math.max(10, ...comparison.verdicts.map((v) => v.n)) * 1.05;
  const steps = 60;
  const curve = Array.from({ length: steps }, (_, i) =>
    Math.max(1, Math.round(((i + 1) / steps) * maxN)),
  ).map((n) => ({ n, ...funnelLimitsAt(n, comparison.expected, comparison.tau2) }));
  const limitLine = (key: 'low998' | 'high998') => ({
    type: 'line' as const,
    showSymbol: false,
    silent: true,
    data: curve.map((c) => [c.n, c[key]]),
    lineStyle: { color: COLORS.muted, width: 1.5 },
  });
  const option: EChartsOption = {
    animation: false,
    textStyle: { fontSize: 13, color: COLORS.text },
    legend: { show: false },
    grid: { left: 8, right: 16, top: 16, bottom: 28, containLabel: true },
    xAxis: {
      type: 'value',
      name: names.n,
      nameLocation: 'middle',
      nameGap: 28,
      min: 0,
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      interval: 0.25,
      axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` },
    },
    series: [
      limitLine('low998'),
      limitLine('high998'),
      {
        type: 'line',
        showSymbol: false,
        silent: true,
        data: [
          [0, comparison.expected],
          [maxN, comparison.expected],
        ],
        lineStyle: { color: COLORS.text, width: 1 },
      },
      {
        type: 'scatter',
        symbolSize: 8,
        itemStyle: { color: COLORS.bar },
        data: comparison.verdicts.filter((v) => v.key !== flagged).map((v) => [v.n, v.rate]),
      },
      {
        type: 'scatter',
        symbolSize: 14,
        itemStyle: { color: COLORS.falseClosure },
        data: comparison.verdicts.filter((v) => v.key === flagged).map((v) => [v.n, v.rate]),
      },
    ],
  };
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  chart.setOption(option);
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

/** A page of the chart and its key, for Chromium to draw as the PNG the mail carries. */
export function chartPage(
  svg: string,
  lang: Language,
  texts: { title: string; group: string; peers: string; limit: string; expected: string },
): string {
  const dir = isRightToLeft(lang) ? 'rtl' : 'ltr';
  const key = (colour: string, label: string, line = false) =>
    `<span style="display:inline-flex;align-items:center;margin-inline-end:14px"><span style="display:inline-block;${
      line
        ? `width:20px;border-top:2px solid ${colour}`
        : `width:10px;height:10px;border-radius:50%;background:${colour}`
    };margin-inline-end:5px"></span>${esc(label)}</span>`;
  return `<!doctype html><html lang="${lang}" dir="${dir}"><head><meta charset="utf-8"><style>body{margin:0;padding:12px;background:#fff;font-family:'Noto Sans Arabic','Noto Sans',Tahoma,Arial,sans-serif;color:${COLORS.text};font-size:14px;width:${WIDTH}px}h1{font-size:16px;margin:0 0 6px}</style></head><body><h1>${esc(
    texts.title,
  )}</h1><div dir="ltr">${svg}</div><div>${key(COLORS.falseClosure, texts.group)}${key(COLORS.bar, texts.peers)}${key(
    COLORS.muted,
    texts.limit,
    true,
  )}${key(COLORS.text, texts.expected, true)}</div></body></html>`;
}

export const CHART_WIDTH = WIDTH + 24;
