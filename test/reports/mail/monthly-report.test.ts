import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../src/auth/users.js';
import { addDays, localToday } from '../../../src/reports/periods.js';
import { reportPeriod } from '../../../src/reports/mail/periodic/period.js';
import { sendPeriodicReports } from '../../../src/reports/mail/periodic/send.js';
import { markDemoData } from '../../../src/sandbox/demo/marker.js';
import { writeDemoMonth } from '../../../src/sandbox/demo/month.js';
import { startTestSystem, type TestSystem } from '../../support/system.js';
import { get, login, PASSWORD } from '../helpers.js';

/**
 * Issue 28's done-criterion: the monthly report of the month demo reaches a manager subscribed to
 * an agency's monthly report as a recorded mail with the PDF attached; the PDF's text (pdftotext)
 * has its Arabic in reading order, and its figures are the dashboard's for the same scope and period.
 */

const run = promisify(execFile);
const out = mkdtempSync(path.join(tmpdir(), 'report-mail-'));

let system: TestSystem;
let month: string;
let period: { from: string; to: string };
const users: Record<'ar' | 'en', string> = { ar: '', en: '' };

beforeAll(async () => {
  system = await startTestSystem();
  await markDemoData(system.ctx.models.VerifiedScore.db, 'monthly report mail');
  await writeDemoMonth(system.ctx.models, { days: 30, timeZone: system.ctx.config.timeZone });
  // The month holding the middle of the demo's 30 days: a whole calendar month, mostly with data.
  month = addDays(localToday(system.ctx.config.timeZone), -15).slice(0, 7);
  period = reportPeriod('monthly_report', month);
  for (const lang of ['ar', 'en'] as const) {
    const { id } = await createUser(system.ctx.models, {
      username: `momah.${lang}`,
      password: PASSWORD,
      role: 'manager',
      agency: 'MOMAH',
    });
    await system.ctx.models.User.updateOne(
      { _id: id },
      { $set: { email: `momah.${lang}@example.gov.sa`, language: lang } },
    );
    await system.ctx.models.Subscription.create({ userId: id, kind: 'monthly_report', agency: 'MOMAH' });
    users[lang] = id;
  }
});
afterAll(async () => {
  await system?.stop();
});

async function pdfText(pdf: Buffer, name: string): Promise<string> {
  const file = path.join(out, `${name}.pdf`);
  writeFileSync(file, pdf);
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
  return stdout;
}

/** pdftotext wraps runs in bidi embedding marks; they are not text a reader sees. */
const BIDI_MARKS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const normalise = (s: string) => s.replace(BIDI_MARKS, '').replace(/[ \t]+/g, ' ');
/**
 * pdftotext writes the lam-alef ligature alef first ("الإسكان" comes out "اإلسكان"; HELPERS.md):
 * the expected phrase is put through the same quirk rather than the extracted text "corrected".
 */
const asPdftotextWrites = (phrase: string) => phrase.replace(/ل([اأإآ])/g, '$1ل');

interface CardFigures {
  value: string;
  n: string;
  interval: string;
}

/** A headline card's figure, its n and its interval, as the dashboard page shows them. */
function card(html: string, metric: string): CardFigures {
  const block = new RegExp(`data-metric="${metric}"[^>]*>([\\s\\S]*?)</div>\\s*</div>`).exec(html)?.[1];
  if (!block) throw new Error(`no ${metric} card on the dashboard`);
  const value = /class="value">([^<]*)</.exec(block)?.[1] ?? '';
  const n = /class="n">[^=]*=\s*(?:<!-- -->)?\s*(\d+)/.exec(block)?.[1] ?? '';
  const interval = /class="pm">([^<]*)</.exec(block)?.[1] ?? '';
  return { value, n, interval: interval.replace(/&amp;/g, '&') };
}

/**
 * Whether the PDF text shows the dashboard's interval: "± 4.2 points" by its figure, or the two ends
 * of "95% interval 53.0–64.3%". Inside Arabic text that range is a left-to-right run, and pdftotext
 * writes it as drawn, "%64.3–53.0"; the card's words may fall on another line than its figures.
 */
function intervalShown(text: string, interval: string): boolean {
  const pm = /±\s*([\d.]+)/.exec(interval);
  if (pm) return new RegExp(`±\\s*${pm[1]?.replace('.', '\\.')}`).test(text);
  const [, low, high] = /([\d.]+)–([\d.]+)%/.exec(interval) ?? [];
  if (!low || !high) throw new Error(`not an interval the dashboard writes: "${interval}"`);
  return text.includes(`${low}–${high}%`) || text.includes(`%${high}–${low}`);
}

async function dashboardCards(lang: 'ar' | 'en'): Promise<Record<string, CardFigures>> {
  const cookie = await login(system, `momah.${lang}`);
  const res = await get(
    system,
    `/dashboard?from=${period.from}&to=${period.to}&agency=MOMAH&lang=${lang}`,
    cookie,
  );
  expect(res.status).toBe(200);
  const html = await res.text();
  return Object.fromEntries(
    ['verifiedResolutionRate', 'falseClosureRate', 'responseRate', 'csat'].map((k) => [k, card(html, k)]),
  );
}

async function reportPdf(lang: 'ar' | 'en'): Promise<string> {
  const mail = await system.ctx.models.Mail.findById(
    `monthly_report:agency=MOMAH:${month}:user=${users[lang]}`,
  );
  const pdf = mail?.attachments[0]?.content;
  if (!pdf) throw new Error(`no ${lang} report mail with a PDF`);
  return normalise(await pdfText(Buffer.from(pdf), `report-${lang}`));
}

describe('the monthly report by mail', () => {
  it('records one mail per subscriber, in their language, with the PDF attached and the figures in the body', async () => {
    const report = await sendPeriodicReports(system.ctx, 'monthly_report', month);
    expect(report).toMatchObject({ scopes: 1, created: 2, rendered: 2 });
    // Hydrated, so an attachment's content is a Buffer (lean gives the driver's Binary).
    const mails = await system.ctx.models.Mail.find({ kind: 'monthly_report' });
    expect(mails.map((m) => m._id).sort()).toEqual(
      [users.ar, users.en].map((id) => `monthly_report:agency=MOMAH:${month}:user=${id}`).sort(),
    );
    for (const m of mails) {
      expect(m.to).toBe(`momah.${m.lang}@example.gov.sa`);
      expect(m.attachments).toHaveLength(1);
      expect(m.attachments[0]?.contentType).toBe('application/pdf');
      expect(m.attachments[0]?.content.subarray(0, 5).toString()).toBe('%PDF-');
      // Mail-safe: no script, no stylesheet, no SVG; the dashboard for the same scope and period.
      expect(m.html).not.toMatch(/<script|<svg|<style|<link/i);
      expect(m.html).toContain(`dir="${m.lang === 'ar' ? 'rtl' : 'ltr'}"`);
      expect(m.html).toContain(
        `${system.baseUrl}/dashboard?from=${period.from}&amp;to=${period.to}&amp;agency=MOMAH&amp;lang=${m.lang}`,
      );
      expect(m.text).toContain(
        `${system.baseUrl}/dashboard?from=${period.from}&to=${period.to}&agency=MOMAH`,
      );
      expect(m.unsubscribeUrl).toBeTruthy();
      expect(m.html).toContain(m.unsubscribeUrl?.replace(/&/g, '&amp;'));
    }
    // Sent again (a second worker, a retry): nothing new is recorded or rendered.
    expect(await sendPeriodicReports(system.ctx, 'monthly_report', month)).toMatchObject({
      created: 0,
      alreadyRecorded: 2,
      rendered: 0,
    });
  });

  it('has its Arabic text in reading order in the PDF, and the dashboard figures for the agency and month', async () => {
    const text = await reportPdf('ar');
    for (const phrase of [
      'التقرير الشهري',
      'وزارة البلديات والإسكان',
      'الأرقام الرئيسية',
      'نسبة الحل المؤكد',
      'مقارنة بالفترة السابقة',
      'الاعتراضات التي ما زالت تنتظر',
      'فهد القحطاني',
    ])
      expect(text, phrase).toContain(asPdftotextWrites(phrase));
    // The same words drawn right to left, as a broken PDF would carry them, are not there.
    expect(text).not.toContain(asPdftotextWrites([...'وزارة البلديات'].reverse().join('')));
    const cards = await dashboardCards('ar');
    const headline = text.slice(0, text.indexOf(asPdftotextWrites('مقارنة بالفترة السابقة')));
    for (const [metric, c] of Object.entries(cards)) {
      expect(c.value, metric).toMatch(/^\d+\.\d%$/);
      expect(headline, metric).toContain(c.value);
      expect(headline, metric).toMatch(new RegExp(`\\b${c.n}\\b`));
      expect(intervalShown(headline, c.interval), `${metric} ${c.interval}`).toBe(true);
    }
  });

  it('has the same figures in the English PDF as the English dashboard, figure by figure', async () => {
    const text = await reportPdf('en');
    expect(text).toContain('Monthly report: Ministry of Municipalities and Housing');
    const cards = await dashboardCards('en');
    for (const [metric, c] of Object.entries(cards)) {
      expect(text, metric).toContain(c.value);
      expect(text, metric).toContain(`n = ${c.n}`);
      expect(intervalShown(text, c.interval), `${metric} ${c.interval}`).toBe(true);
      // The comparison table carries the figure with its n as well.
      expect(text, metric).toContain(`${c.value} (n = ${c.n})`);
    }
  });
});
