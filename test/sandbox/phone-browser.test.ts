import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/auth/users.js';
import { ARTIFACTS, launchBrowser } from '../support/browser.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';
import { DEADLINE } from '../support/time.js';

let sys: TestSystem;
let browser: Browser;
const PASSWORD = 'sandbox phone test password';

beforeAll(async () => {
  // The follow-up keeps its default three-day delay: time travel is what makes it due. The send
  // window is the whole day so the promoted send is not held until morning by the clock of the run.
  sys = await startTestSystem({ workers: true, env: { SEND_WINDOW: '00:00-24:00' } });
  await createUser(sys.ctx.models, { username: 'admin', password: PASSWORD, role: 'admin' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

/** Opens the phone as a person does: the sign-in page first, then back to /sandbox. */
async function openPhone(lang: 'ar' | 'en', viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto(`${sys.baseUrl}/sandbox?lang=${lang}`);
  await page.waitForURL(/\/login/);
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/sandbox/);
  await page.waitForSelector('body[data-ready=true]');
  return page;
}

const awaiting = (page: Page, state: string) =>
  page.waitForSelector(`#call-awaiting[data-awaiting="${state}"]`);
const heard = (page: Page, text: string) =>
  page.waitForSelector(`#transcript li[data-kind=say]:has-text("${text}")`);

/**
 * What the system sends arrives through its queues and workers, so it is waited for with the
 * deadline of a state, not of a page step.
 */
const arrives = (page: Page, selector: string) => page.waitForSelector(selector, { timeout: DEADLINE.state });

/**
 * The page takes one action at a time and drops a click that comes while it is busy (a message
 * shown by its polling can appear before the action that made it due has finished refreshing), so
 * a person's next tap waits until the page says it is free.
 */
const free = (page: Page) => page.waitForSelector('body[data-busy=false]');

async function press(page: Page, key: string): Promise<void> {
  await page.click(`[data-key="${key}"]`);
}

async function outgoing(page: Page, count: number): Promise<string[]> {
  await page
    .locator('#messages li.out')
    .nth(count - 1)
    .waitFor({ timeout: DEADLINE.state });
  return page.locator('#messages li.out .body').allTextContents();
}

async function send(page: Page, text: string, expectOut: number): Promise<string[]> {
  await free(page);
  await page.fill('#reply-body', text);
  await page.click('#reply-send');
  return outgoing(page, expectOut);
}

describe('the sandbox phone in Chromium', () => {
  it('an Arabic call with a rating and a comment, a closed ticket, its due work, an SMS "٢" and a reason: stored and on the dashboard', async () => {
    const phone = '+966507770001';
    const page = await openPhone('ar');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await page.fill('#phone-number', phone);
    await page.fill('#ticket-ref', 'T-BR-1');
    await page.fill('#ticket-agent', 'agent-5');

    await page.click('#call-start');
    await heard(page, 'للعربية اضغط 1');
    await press(page, '1');
    await awaiting(page, 'agent_ringing');
    await page.click('#agent-answer');
    await awaiting(page, 'agent_talking');
    await page.click('#agent-hangup');
    await heard(page, 'قيم الموظف');
    await press(page, '5');
    await heard(page, 'هل حلت مشكلتك');
    await press(page, '1');
    await heard(page, 'ملاحظة صوتية');
    await press(page, '1');
    await awaiting(page, 'recording');
    await page.fill('#record-seconds', '9');
    await page.click('#record-stop');
    await awaiting(page, 'nothing');
    await heard(page, 'شكرا لتقييمك');

    const rating = await eventually(
      async () => {
        const r = await sys.ctx.models.PostCallRating.findOne({ ticketRef: 'T-BR-1' }).lean();
        return r?.status === 'complete' && r.recording?.sid ? r : undefined;
      },
      { what: 'the post-call rating' },
    );
    expect(rating).toMatchObject({ agentRating: 5, solvedOnCall: true, agentId: 'agent-5', language: 'ar' });
    expect(rating.recording?.durationSec).toBe(9);

    // The ticket system closes the ticket: the follow-up waits three days…
    await page.click('#ticket-close');
    await page.waitForSelector('#due-jobs li[data-kind=send][data-state=delayed]');
    // …and time travel makes it due now.
    await page.waitForSelector('body[data-busy=false]');
    await page.click('#due-run');
    await page.click('[data-view-tab=messages]');
    const [first] = await outgoing(page, 1);
    expect(first).toMatch(/هل حلت مشكلة طلبك T-BR-1/);
    await arrives(page, '#messages li.out[data-status=delivered]');
    expect(await page.locator('#messages li.out .answer-link').count()).toBe(1);

    expect((await send(page, '٢', 2))[1]).toMatch(/قيم الخدمة/);
    expect((await send(page, '1', 3))[2]).toMatch(/ما السبب/);
    expect((await send(page, 'المشكلة ما زالت قائمة، الحفرة في مكانها', 4))[3]).toMatch(/لم تحل/);

    const score = await eventually(
      async () => {
        const s = await sys.ctx.models.VerifiedScore.findOne({ ticketRef: 'T-BR-1' }).lean();
        return s?.reason ? s : undefined;
      },
      { what: 'the verified score' },
    );
    expect(score).toMatchObject({
      outcome: 'disputed',
      solved: false,
      rating: 1,
      postCallRating: 5,
      agentId: 'agent-5',
      sent: true,
      delivered: true,
      reason: 'still_exists',
    });

    // The answer link opens the real answer page, which shows what was recorded.
    const [answerPage] = await Promise.all([
      page.context().waitForEvent('page'),
      page.click('#messages li.out .answer-link'),
    ]);
    await answerPage.waitForLoadState();
    expect(await answerPage.getAttribute('html', 'dir')).toBe('rtl');
    expect(await answerPage.textContent('body')).toContain('1 / 5');

    // The dashboard counts it: one closure, disputed, rated 5 on the call (the brush-off gap).
    // Signed in already, to use the phone.
    await page.goto(`${sys.baseUrl}/dashboard?lang=en`);
    const card = (metric: string) => page.textContent(`.card[data-metric=${metric}] .value`);
    expect(await card('closures')).toBe('1');
    expect(await card('falseClosureRate')).toMatch(/^100(\.0)?\s?%$/);
    expect(await card('brushOffGap')).toMatch(/^100(\.0)?\s?%$/);
  });

  it('screenshots of the phone at phone and desktop widths, in Arabic and English', async () => {
    for (const lang of ['ar', 'en'] as const) {
      for (const [name, viewport] of [
        ['phone', { width: 390, height: 844 }],
        ['desktop', { width: 1280, height: 900 }],
      ] as const) {
        const page = await openPhone(lang, viewport);
        await page.fill('#phone-number', '+966507770002');
        await page.click('#call-start');
        await awaiting(page, 'keys');
        // The four parts are the page's grid cells (a tag left open once nested them in the phone).
        for (const part of ['citizen', 'phone', 'ticket', 'magic'])
          expect(await page.locator(`main > .sandbox > #${part}`).count(), part).toBe(1);
        // Nothing wider than the screen at phone width: the page is usable on a phone.
        const overflow = await page.evaluate<number>(
          'document.documentElement.scrollWidth - document.documentElement.clientWidth',
        );
        expect(overflow).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: path.join(ARTIFACTS, `sandbox-phone-${lang}-${name}.png`),
          fullPage: true,
        });
        await page.click('#call-hangup');
        await awaiting(page, 'nothing');
        await page.context().close();
      }
    }
  });

  it('says on the page when a due send sent nothing, why, and what to do instead', async () => {
    const page = await openPhone('en');
    await page.fill('#phone-number', '+966507770013');
    await page.click('[data-view-tab=messages]');
    await page.fill('#reply-body', 'STOP');
    await page.click('#reply-send');
    await free(page);
    await page.fill('#ticket-ref', 'T-BR-STOP');
    await page.click('#ticket-close');
    await page.waitForSelector('#due-jobs li[data-kind=send][data-state=delayed]');
    await free(page);
    await page.click('#due-run');
    await arrives(page, '#due-closures li[data-reason=opted_out]');
    const said = (await page.textContent('#due-closures li[data-reason=opted_out]')) ?? '';
    expect(said).toMatch(/opted out/);
    expect(said).toMatch(/Use another number, or send START/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-not-sent-en.png'), fullPage: true });
    await page.context().close();
  });

  it('tells the user plainly when JavaScript is off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${sys.baseUrl}/sandbox?lang=en`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/sandbox/);
    expect(await page.textContent('.noscript')).toContain('needs JavaScript');
    await context.close();
  });

  it('WhatsApp: the template arrives with its buttons, a tap and a typed rating answer it', async () => {
    await sys.ctx.models.Agency.create({
      code: 'WAB',
      name: { ar: 'جهة واتساب', en: 'WA agency' },
      channels: ['whatsapp'],
    });
    const page = await openPhone('ar');
    await page.fill('#phone-number', '+966507770011');
    await page.fill('#ticket-ref', 'T-BR-WA');
    await page.fill('#ticket-agency', 'WAB');
    await page.click('#ticket-close');
    await page.waitForSelector('#due-jobs li[data-kind=send][data-state=delayed]');
    await page.waitForSelector('body[data-busy=false]');
    await page.click('#due-run');
    await page.click('[data-view-tab=whatsapp]');
    await arrives(page, '#wa-messages li.out button[data-payload=not_solved]');
    expect(await page.locator('#wa-messages li.out .body').first().textContent()).toContain('T-BR-WA');
    await free(page);
    await page.click('#wa-messages li.out button[data-payload=not_solved]');
    await arrives(page, '#wa-messages li.out:has-text("قيم الخدمة")');
    await free(page);
    await page.fill('#wa-body', '4');
    await page.click('#wa-form button[type=submit]');
    await arrives(page, '#wa-messages li.out:has-text("ما السبب")');
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-whatsapp-ar.png'), fullPage: true });
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'T-BR-WA' }).lean();
    expect(f).toMatchObject({ solved: false, rating: 4, state: 'awaiting_reason', channel: 'whatsapp' });
    await page.context().close();
  });

  it('the verification call rings the phone; answering and pressing keys answers the follow-up', async () => {
    await sys.ctx.models.Agency.create({
      code: 'CALLB',
      name: { ar: 'جهة الاتصال', en: 'Call agency' },
      channels: ['voice'],
    });
    const page = await openPhone('en');
    await page.fill('#phone-number', '+966507770012');
    await page.selectOption('#citizen-language', 'en');
    await page.fill('#ticket-ref', 'T-BR-CALL');
    await page.fill('#ticket-agency', 'CALLB');
    await page.click('#ticket-close');
    await page.waitForSelector('#due-jobs li[data-kind=send][data-state=delayed]');
    await page.waitForSelector('body[data-busy=false]');
    await page.click('#due-run');
    await arrives(page, '#incoming-ringing:not([hidden])');
    await page.waitForSelector('body[data-busy=false]');
    await page.click('[data-incoming=answer]');
    await page.waitForSelector('#incoming-heard li:has-text("actually solved")');
    expect(await page.textContent('#incoming-heard')).toContain('T B R C A L L');
    await page.waitForSelector('body[data-busy=false]');
    await page.click('[data-incoming-key="1"]');
    await page.waitForSelector('#incoming-heard li:has-text("Rate the service")');
    await page.waitForSelector('body[data-busy=false]');
    await page.click('[data-incoming-key="5"]');
    await page.waitForSelector('#incoming-heard li:has-text("Thank you for confirming")');
    await page.screenshot({ path: path.join(ARTIFACTS, 'sandbox-call-en.png'), fullPage: true });
    const f = await eventually(async () => {
      const x = await sys.ctx.models.FollowUp.findOne({ ticketRef: 'T-BR-CALL' }).lean();
      return x?.state === 'completed' ? x : undefined;
    });
    expect(f).toMatchObject({ solved: true, rating: 5, outcome: 'confirmed_solved', channel: 'voice' });
    await page.context().close();
  });
});
