import { reportTexts, type ReportLang } from '../../i18n/reports.js';
import { CHAIN_STAGES, DROPS_BEFORE, type ChainOfCounts } from '../sums/chain.js';
import { esc } from './html.js';

/**
 * The chain of counts as an ordered list: each stage with its count, and under it the reasons the
 * closures of the stage before did not reach it. Text, not a chart, so it reads the same aloud and
 * copies into a report.
 */
export function chainList(lang: ReportLang, chain: ChainOfCounts, id = 'chain'): string {
  const t = reportTexts(lang);
  const items = CHAIN_STAGES.map((stage) => {
    const drops = DROPS_BEFORE[stage]
      .filter((d) => chain.drops[d] > 0)
      .map((d) => `<li data-drop="${d}">−${chain.drops[d]} ${esc(t.drops[d])}</li>`)
      .join('');
    return `${drops ? `<ul class="drops">${drops}</ul>` : ''}<li data-stage="${stage}"><strong>${chain[stage]}</strong> ${esc(t.chain[stage])}</li>`;
  }).join('');
  return `<ol class="chain" id="${esc(id)}">${items}</ol>`;
}
