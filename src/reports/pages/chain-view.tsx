import { reportTexts, type ReportLang } from '../../i18n/reports.js';
import { CHAIN_STAGES, DROPS_BEFORE, type ChainOfCounts } from '../sums/chain.js';

/**
 * The chain of counts as an ordered list: each stage with its count, and under it the reasons the
 * closures of the stage before did not reach it. Text, not a chart, so it reads the same aloud and
 * copies into a report.
 */
export function ChainList({
  lang,
  chain,
  id = 'chain',
}: {
  lang: ReportLang;
  chain: ChainOfCounts;
  id?: string;
}) {
  const t = reportTexts(lang);
  return (
    <ol class="chain" id={id}>
      {CHAIN_STAGES.map((stage) => {
        const drops = DROPS_BEFORE[stage].filter((d) => chain.drops[d] > 0);
        return (
          <li data-stage={stage}>
            {drops.length > 0 && (
              <ul class="drops">
                {drops.map((d) => (
                  <li data-drop={d}>
                    −{chain.drops[d]} {t.drops[d]}
                  </li>
                ))}
              </ul>
            )}
            <strong>{chain[stage]}</strong> {t.chain[stage]}
          </li>
        );
      })}
    </ol>
  );
}
