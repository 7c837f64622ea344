import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * The checks issue 25 asks of every page, run in the page itself (the project has no DOM types, so
 * the code run in the browser is a string): nothing wider than the viewport except inside a box
 * that scrolls on its own, no control outside its container, no two texts of a chart overlapping
 * and no chart text under 12 px, and no serious or critical WCAG 2.1 AA violation by axe-core.
 * Each returns a list of problems, empty when the page passes, so a failure names what is wrong.
 */

const LAYOUT = String.raw`(() => {
  const vw = document.documentElement.clientWidth;
  const problems = [];
  const scrolls = (el) => {
    const s = getComputedStyle(el);
    return s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden';
  };
  const inScroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) if (scrolls(p)) return p;
    return null;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
    ' "' + (el.textContent || el.getAttribute('value') || '').trim().slice(0, 40) + '"';
  const sideways = document.documentElement.scrollWidth - vw;
  if (sideways > 1) problems.push('the page scrolls sideways by ' + sideways + ' px');
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= vw + 1 && r.left >= -1) continue;
    const box = inScroller(el);
    if (box) {
      const b = box.getBoundingClientRect();
      if (b.right > vw + 1 || b.left < -1) problems.push('scrolling box wider than the viewport: ' + name(box));
      continue;
    }
    problems.push('wider than the viewport (' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + vw + '): ' + name(el));
  }
  const CONTAINERS = 'section,form,fieldset,td,th,li,header,footer,nav,main,dialog,details';
  for (const c of document.body.querySelectorAll('input:not([type=hidden]),select,textarea,button,a.button')) {
    const r = c.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    // Every container up to the box that scrolls (a table's own box), or the page.
    const scroller = inScroller(c);
    for (let parent = c.parentElement; parent && parent !== scroller && parent !== document.body; parent = parent.parentElement) {
      if (!parent.matches(CONTAINERS)) continue;
      const p = parent.getBoundingClientRect();
      if (r.left < p.left - 2 || r.right > p.right + 2 || r.top < p.top - 2 || r.bottom > p.bottom + 2) {
        problems.push('control outside its ' + parent.tagName.toLowerCase() + ' (' + Math.round(r.left) + '..' + Math.round(r.right) + ' in ' + Math.round(p.left) + '..' + Math.round(p.right) + '): ' + name(c));
        break;
      }
    }
  }
  return [...new Set(problems)].slice(0, 30);
})()`;

const CHARTS = String.raw`(() => {
  const problems = [];
  document.querySelectorAll('svg').forEach((svg, i) => {
    const label = svg.getAttribute('aria-label') || ('chart ' + (i + 1));
    const texts = [...svg.querySelectorAll('text')]
      .filter((t) => (t.textContent || '').trim() !== '')
      .map((t) => ({ t, r: t.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0);
    const ctm = svg.getScreenCTM();
    const scale = ctm ? Math.hypot(ctm.a, ctm.b) : 1;
    for (const { t } of texts) {
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      if (px < 11.5) problems.push(label + ': text "' + t.textContent.trim() + '" drawn at ' + px.toFixed(1) + ' px');
    }
    // Marks a label must not cross: bars, error bars, lines; not the background or the plot area.
    const box = svg.getBoundingClientRect();
    // Only what is painted: not clip paths, nor the invisible hit areas a library lays over a legend.
    const painted = (m) => {
      if (m.closest('clipPath,defs,mask')) return false;
      const cs = getComputedStyle(m);
      const on = (paint, opacity) => paint !== 'none' && !/^rgba\(.*,\s*0\)$/.test(paint) && parseFloat(opacity) > 0;
      return parseFloat(cs.opacity) > 0 &&
        (on(cs.fill, cs.fillOpacity) || (on(cs.stroke, cs.strokeOpacity) && parseFloat(cs.strokeWidth) > 0));
    };
    const marks = [...svg.querySelectorAll('rect,path,line,polyline,circle')]
      .filter(painted)
      .map((m) => {
        // A straight line has no width (or height) of its own: give it its stroke's.
        const b = m.getBoundingClientRect();
        const padX = b.width < 2 ? 1 : 0;
        const padY = b.height < 2 ? 1 : 0;
        return { m, r: { left: b.left - padX, right: b.right + padX, top: b.top - padY, bottom: b.bottom + padY, width: b.width, height: b.height } };
      })
      .filter(({ r }) => (r.width > 0 || r.height > 0) && r.width * r.height < box.width * box.height / 4);
    for (const { t, r: p } of texts)
      for (const { m, r: q } of marks) {
        if (m.closest('text')) continue;
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 0.5 && h > 0.5) {
          problems.push(label + ': "' + t.textContent.trim() + '" runs into a ' + m.tagName + ' mark');
          break;
        }
      }
    for (let a = 0; a < texts.length; a++)
      for (let b = a + 1; b < texts.length; b++) {
        const p = texts[a].r, q = texts[b].r;
        const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (w > 1 && h > 1)
          problems.push(label + ': "' + texts[a].t.textContent.trim() + '" overlaps "' + texts[b].t.textContent.trim() + '"');
      }
  });
  return problems.slice(0, 30);
})()`;

let axeSource: string | undefined;

export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(LAYOUT);
}

export async function chartProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(CHARTS);
}

/** axe-core's serious and critical WCAG 2.1 A/AA violations, one line each. */
export async function axeProblems(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated, not added as a script tag: the pages' policy allows no script, and must not be loosened.
  await page.evaluate(axeSource);
  return page.evaluate<string[]>(`axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }).then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.impact + ' ' + v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ') + (n.failureSummary ? ' (' + n.failureSummary.split('\\n').slice(1, 2).join('') + ')' : '')).join('; ')))`);
}

export async function allProblems(page: Page): Promise<string[]> {
  return [...(await layoutProblems(page)), ...(await chartProblems(page)), ...(await axeProblems(page))];
}

const CONTROLS_IN_SIGHT = String.raw`(() => {
  const problems = [];
  const sideways = (el) => {
    const s = getComputedStyle(el);
    return (s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1;
  };
  for (const c of document.body.querySelectorAll('input:not([type=hidden]),select,textarea,button,a.button')) {
    const r = c.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    for (let p = c.parentElement; p && p !== document.body; p = p.parentElement) {
      if (!sideways(p)) continue;
      const b = p.getBoundingClientRect();
      if (r.left < b.left - 2 || r.right > b.right + 2)
        problems.push('control out of sight in a box that scrolls sideways (' + Math.round(r.left) + '..' + Math.round(r.right) + ' in ' + Math.round(b.left) + '..' + Math.round(b.right) + '): ' +
          c.tagName.toLowerCase() + ' "' + (c.textContent || c.getAttribute('name') || '').trim().slice(0, 40) + '"');
      break;
    }
  }
  for (const t of document.body.querySelectorAll('table.labels')) {
    const box = t.parentElement;
    if (box && sideways(box))
      problems.push('a table of named values scrolls sideways (' + box.scrollWidth + ' px in ' + box.clientWidth + '): "' +
        (t.querySelector('th')?.textContent || '').trim().slice(0, 40) + '"');
  }
  return [...new Set(problems)].slice(0, 30);
})()`;

/**
 * A form's controls reachable without scrolling sideways: a table may scroll in its own box to
 * show more figures, but a button or field that has to be scrolled to is one a person misses. A
 * table of named values (label, value) fits outright: its labels wrap, so no value is scrolled off.
 */
export async function controlsInSightProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(CONTROLS_IN_SIGHT);
}
