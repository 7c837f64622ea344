import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerToken } from '../../src/followup/send/compose.js';
import { signAnswerToken } from '../../src/followup/send/answer-token.js';
import { ARTIFACTS, launchBrowser } from '../support/browser.js';
import { axeProblems, layoutProblems } from '../support/page-checks.js';
import { answerPageTexts } from '../../src/i18n/followup.js';
import { CITIZEN_LANGUAGES } from '../../src/i18n/languages.js';
import { FAST_FOLLOWUP_ENV, reply, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

let sys: TestSystem;
let browser: Browser;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  token = await sys.token('ticket_system');
  // The agency the follow-ups come from (test/support/followup.ts), as the administration names it.
  await sys.ctx.models.Agency.updateOne(
    { code: 'momrah' },
    { $set: { name: { ar: 'وزارة الشؤون البلدية', en: 'Ministry of Municipal Affairs' } } },
    { upsert: true },
  );
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sys.stop();
});

async function linkFor(ref: string, phone: string, language: string): Promise<string> {
  await ticketEvent(sys, token, ref, 'closed', { phone, language });
  const [msg] = await waitForMessages(sys, phone, 1);
  await eventually(
    async () =>
      (await sys.ctx.models.FollowUp.findOne({ ticketRef: ref, state: 'awaiting_solved' }).lean()) ??
      undefined,
  );
  const path = /\/f\/[A-Za-z0-9_-]{32}/.exec(msg?.body ?? '')?.[0];
  if (!path) throw new Error('no answer link in the message');
  return `${sys.baseUrl}${path}`;
}

describe('the one-tap answer page', () => {
  it('in Arabic, right to left: "not solved", a rating and a reason are recorded as a dispute', async () => {
    const url = await linkFor('P-1', '+966500000401', 'ar');
    const page = await browser.newPage({ viewport: { width: 390, height: 780 } });
    await page.goto(url);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    expect(await page.textContent('p.q')).toContain('هل حلت مشكلة طلبك P-1');
    // The citizen sees who asks, by name, before answering.
    expect(await page.textContent('[data-agency-name]')).toContain('وزارة الشؤون البلدية');
    await page.screenshot({ path: `${ARTIFACTS}/answer-page-ar-phone.png`, fullPage: true });
    await page.click('text=لا، لم تحل');
    await page.click('text=2 سيئة');
    await page.fill('textarea', 'أغلقوا الطلب بدون زيارة');
    await page.click('text=سبب آخر · إرسال');
    expect(await page.textContent('main')).toContain('شكرا لك، تم تسجيل إجابتك.');
    await page.screenshot({ path: `${ARTIFACTS}/answer-page-ar-done.png`, fullPage: true });
    const score = await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'P-1' }).lean();
    expect(score).toMatchObject({
      solved: false,
      outcome: 'disputed',
      rating: 2,
      reason: 'other',
      comment: 'أغلقوا الطلب بدون زيارة',
      channel: 'web',
    });
    await page.close();
  });

  it('in English: a used link shows the recorded answer and accepts no second one', async () => {
    const url = await linkFor('P-2', '+966500000402', 'en');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    expect(await page.getAttribute('html', 'dir')).toBe('ltr');
    await page.click('text=Yes, solved');
    await page.click('text=5 excellent');
    expect(await page.textContent('main')).toContain('Thank you, your answer is recorded.');
    expect(await page.textContent('dl')).toContain('Problem solved');
    await page.screenshot({ path: `${ARTIFACTS}/answer-page-en-desktop.png` });
    // A second submission (an old tab, a replayed form) changes nothing.
    const again = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'solved=2',
      redirect: 'manual',
    });
    expect(again.status).toBe(303);
    expect(await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'P-2' }).lean()).toMatchObject({
      solved: true,
      rating: 5,
      outcome: 'confirmed_solved',
    });
    // An SMS reply after the page answered is told so.
    expect(await reply(sys, '+966500000402', '2')).toEqual([
      'Thank you, your answer about request P-2 is already recorded.',
    ]);
    await page.close();
  });

  it('works without JavaScript', async () => {
    const url = await linkFor('P-3', '+966500000403', 'ar');
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(url);
    await page.click('text=نعم، حلت');
    expect(await page.textContent('p.q')).toBe('كيف تقيم الخدمة؟');
    await context.close();
  });

  it('refuses tampered and expired links with a bilingual page, and bad form input with 400', async () => {
    const url = await linkFor('P-4', '+966500000404', 'ar');
    const good = url.split('/f/')[1] ?? '';
    const tampered = `${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`;
    const bad = await fetch(`${sys.baseUrl}/f/${tampered}`);
    expect(bad.status).toBe(404);
    expect(await bad.text()).toContain('This link is not valid.');
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'P-4' }).lean();
    const expired = signAnswerToken(
      sys.ctx.config.followUp.answerLinkSecret,
      f?._id.toString() ?? '',
      new Date(Date.now() - 3_600_000),
    );
    expect((await fetch(`${sys.baseUrl}/f/${expired}`)).status).toBe(410);
    expect(answerToken(sys.ctx, f!)).toBe(good);
    const junk = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'rating=9',
    });
    expect(junk.status).toBe(400);
    expect((await sys.ctx.models.FollowUp.findOne({ ticketRef: 'P-4' }).lean())?.solved).toBeUndefined();
  });

  describe('in each citizen language', () => {
    // Each state of the conversation, at a phone's and a desktop's width: the direction and language
    // the page declares, the agency named, nothing overflowing, no serious or critical axe finding.
    it.each(CITIZEN_LANGUAGES.map((lang, i) => [lang, i] as const))('%s', async (lang, i) => {
      const t = answerPageTexts[lang];
      const url = await linkFor(`PL-${lang}`, `+9665000005${String(i).padStart(2, '0')}`, lang);
      const rtl = lang === 'ar' || lang === 'ur';
      const agency = rtl ? 'وزارة الشؤون البلدية' : 'Ministry of Municipal Affairs';
      // The desktop first: the phone then answers, and the page moves on through each question.
      for (const width of [1280, 390]) {
        const page = await browser.newPage({ viewport: { width, height: 800 } });
        await page.goto(url);
        const check = async (state: string) => {
          const where = `${lang} ${width}px ${state}`;
          expect(await page.getAttribute('html', 'dir'), where).toBe(rtl ? 'rtl' : 'ltr');
          expect(await page.getAttribute('html', 'lang'), where).toBe(lang);
          expect(await page.textContent('[data-agency-name]'), where).toBe(`${t.askedBy} ${agency}`);
          expect(await layoutProblems(page), where).toEqual([]);
          expect(await axeProblems(page), where).toEqual([]);
        };
        await check('solved?');
        expect(await page.textContent('p.q')).toBe(t.solvedQuestion(`PL-${lang}`));
        if (width === 1280) {
          await page.close();
          continue;
        }
        await page.screenshot({ path: `${ARTIFACTS}/answer-page-${lang}-phone.png`, fullPage: true });
        await page.click(`button:has-text("${t.no}")`);
        expect(await page.textContent('p.q')).toBe(t.ratingQuestion);
        await check('rating');
        await page.click(`button:has-text("${t.ratingLabels[1] ?? ''}")`);
        expect(await page.textContent('p.q')).toBe(t.reasonQuestion);
        await check('reason');
        await page.click(`button:has-text("${t.reasons.still_exists}")`);
        expect(await page.textContent('main')).toContain(t.thanks);
        await check('done');
        await page.close();
      }
      expect(await sys.ctx.models.VerifiedScore.findOne({ ticketRef: `PL-${lang}` }).lean()).toMatchObject({
        solved: false,
        rating: 2,
        reason: 'still_exists',
        channel: 'web',
      });
    });

    it('an unknown language opens in Arabic, and its language links lead to English', async () => {
      const url = await linkFor('PL-sw', '+966500000599', 'sw');
      const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
      await page.goto(url);
      expect(await page.getAttribute('html', 'lang')).toBe('ar');
      await page.click('nav a[lang=en]');
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.getAttribute('html', 'dir')).toBe('ltr');
      await page.click('text=Yes, solved');
      // The language chosen stays through the answer.
      expect(await page.textContent('p.q')).toBe('How do you rate the service?');
      expect(new URL(page.url()).searchParams.get('lang')).toBe('en');
      await page.close();
    });
  });
});
