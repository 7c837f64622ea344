import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README is the front door: short, and every link in it and in
// docs/ leads somewhere. A moved source file or a renamed heading breaks a link; this finds it.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const README_MAX_LINES = 300;

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The text outside fenced code blocks, line by line (a link or heading inside a fence is an example). */
function proseLines(text: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) out.push(line);
  }
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats numbered. */
function headingSlugs(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading?.[1]) continue;
    const text = heading[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '')
      .toLowerCase();
    const base = text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** Every inline link and image target, with code spans taken out first (`[x](y)` in code is not a link). */
function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown)) {
    const prose = line.replace(/`[^`]*`/g, 'code');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (m[1]) targets.push(m[1]);
    }
  }
  return targets;
}

/** What is wrong with each relative link of one markdown file (an empty list when all resolve). */
function brokenLinks(file: string): string[] {
  const problems: string[] = [];
  const where = relative(ROOT, file);
  for (const target of linkTargets(readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // http:, mailto: …
    const [rawPath, anchor] = target.split('#', 2) as [string, string | undefined];
    const path = rawPath === '' ? file : resolve(dirname(file), decodeURIComponent(rawPath));
    if (!existsSync(path)) {
      problems.push(`${where}: ${target} (no such file: ${relative(ROOT, path)})`);
      continue;
    }
    if (anchor === undefined || anchor === '' || !path.endsWith('.md')) continue;
    if (!headingSlugs(readFileSync(path, 'utf8')).has(decodeURIComponent(anchor).toLowerCase())) {
      problems.push(`${where}: ${target} (no heading #${anchor} in ${relative(ROOT, path)})`);
    }
  }
  return problems;
}

/** Source files where a `// Why: docs/decisions/…` comment may point at the record behind the code. */
function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|js|mjs|java)$/.test(name) ? [path] : [];
  });
}

describe('README and docs/', () => {
  it(`keeps the README under ${README_MAX_LINES} lines`, () => {
    const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines, 'README.md is a front door: reference belongs in docs/').toBeLessThan(README_MAX_LINES);
  });

  it('has no relative link in README.md or docs/**/*.md that leads nowhere', () => {
    const files = [join(ROOT, 'README.md'), ...markdownFiles(join(ROOT, 'docs'))];
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });

  it('links every decision record from the code it explains, and only records that exist', () => {
    const decisions = join(ROOT, 'docs/decisions');
    const records = readdirSync(decisions).filter((name) => /^\d{4}-.+\.md$/.test(name));
    const named = new Map<string, string[]>();
    for (const file of ['src', 'scripts', 'workers', 'voice-flows'].flatMap((d) =>
      sourceFiles(join(ROOT, d)),
    )) {
      for (const m of readFileSync(file, 'utf8').matchAll(/Why: docs\/decisions\/([\w.-]+\.md)/g)) {
        if (m[1]) named.set(m[1], [...(named.get(m[1]) ?? []), relative(ROOT, file)]);
      }
    }
    expect(records.length).toBeGreaterThan(10);
    expect(records.filter((r) => !named.has(r))).toEqual([]);
    expect([...named].filter(([r]) => !records.includes(r))).toEqual([]);
  });

  it('reads headings and links as GitHub does', () => {
    expect([
      ...headingSlugs(
        '# Retention and erasure (Saudi PDPL)\n## `GET /api/x`, `.json`\n## Tests\n## Tests\n```\n# not one\n```',
      ),
    ]).toEqual(['retention-and-erasure-saudi-pdpl', 'get-apix-json', 'tests', 'tests-1']);
    expect(linkTargets('See [a](docs/a.md#b) and ![p](p.svg "t"), not `[c](d)`.\n```\n[e](f)\n```')).toEqual([
      'docs/a.md#b',
      'p.svg',
    ]);
  });
});
