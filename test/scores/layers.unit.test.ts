import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The score writes have one home below the stages (src/scores/): the follow-up and voice stages write
 * scores and keep the daily sums through it, and import nothing from the reports that read them.
 * Read from the import statements themselves (type-only ones included).
 */

const SRC = 'src';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The files under src/ a file imports or re-exports from. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.[^'"]+)['"]/g)];
  return specs.map((m) => normalize(join(dirname(file), String(m[1]).replace(/\.js$/, '.ts'))));
}

const graph = new Map(filesUnder(SRC).map((f) => [f, importsOf(f)]));

describe('layers around the score writes', () => {
  it('the follow-up and voice stages and the scores home import nothing from the reports', () => {
    const up = [...graph]
      .filter(([f]) => /^src\/(followup|voice|scores)\//.test(f))
      .flatMap(([f, deps]) => deps.filter((d) => d.startsWith('src/reports/')).map((d) => `${f} -> ${d}`));
    expect(up).toEqual([]);
  });

  it('the scores home imports no stage and no report', () => {
    const up = [...graph]
      .filter(([f]) => f.startsWith('src/scores/'))
      .flatMap(([f, deps]) =>
        deps
          .filter((d) => /^src\/(followup|voice|reports|tickets|admin|sandbox|retention)\//.test(d))
          .map((d) => `${f} -> ${d}`),
      );
    expect(up).toEqual([]);
  });

  it('no file of the follow-up, voice, scores or reports folders is part of an import circle', () => {
    const inScope = (f: string) => /^src\/(followup|voice|scores|reports)\//.test(f);
    // Every circle through a file is found from that file: a walk back to where it started.
    const circles: string[] = [];
    for (const start of [...graph.keys()].filter(inScope)) {
      const seen = new Set<string>();
      const path: string[] = [];
      const walk = (f: string): boolean => {
        for (const d of graph.get(f) ?? []) {
          if (d === start) {
            circles.push([start, ...path, start].map((p) => relative(SRC, p)).join(' -> '));
            return true;
          }
          if (seen.has(d)) continue;
          seen.add(d);
          path.push(d);
          if (walk(d)) return true;
          path.pop();
        }
        return false;
      };
      walk(start);
    }
    expect(circles).toEqual([]);
  });
});
