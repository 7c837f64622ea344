import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpDoc } from '../../src/db/models/followup.js';
import { followUpTexts } from '../../src/i18n/followup.js';
import type { CitizenLanguage } from '../../src/i18n/languages.js';
import { FAST_FOLLOWUP_ENV, postInbound, ticketEvent, waitForMessages } from '../support/followup.js';
import { eventually, startTestSystem, type TestSystem } from '../support/system.js';

/**
 * The residents' languages through the real path: a closure event names a language, the worker
 * composes the first message and the real twilio SDK sends it to the stand-in, where we read what
 * the citizen's phone would show.
 */

let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem({ workers: true, env: FAST_FOLLOWUP_ENV });
  token = await sys.token('ticket_system');
  await sys.ctx.models.Agency.create({
    code: 'hrsd',
    // The stand-in's links (http://127.0.0.1:port/f/…) are 12 characters longer than a live one.
    name: { ar: 'وزارة الموارد البشرية', en: 'Ministry of Labour' },
    channels: ['sms'],
  });
  await sys.ctx.models.Agency.create({
    code: 'hrsd-wa',
    name: { ar: 'وزارة الموارد البشرية', en: 'Ministry of Labour' },
    channels: ['whatsapp'],
  });
});
afterAll(async () => {
  await sys.stop();
});

let phoneSeq = 0;
/** A closure in `language`; the first message the citizen received. */
async function firstMessage(language: unknown, agency = 'hrsd'): Promise<string> {
  phoneSeq += 1;
  const phone = `+9665013${String(phoneSeq).padStart(5, '0')}`;
  const ref = `L-${phoneSeq}`;
  await ticketEvent(sys, token, ref, 'closed', { phone, agency, language: language as string });
  const [msg] = await waitForMessages(sys, phone, 1);
  return msg?.body ?? '';
}

describe('replies in the language the citizen was asked in, through the real SMS path', () => {
  // The language's own yes and no words, and a rating in its own digits (Bengali, Devanagari,
  // Extended Arabic-Indic for Urdu; Filipino and Indonesian write ASCII digits).
  it.each([
    ['bn', 'হ্যাঁ', '৪', 'হয়নি'],
    ['hi', 'हाँ', '४', 'नहीं'],
    ['ur', 'ہاں', '۴', 'نہیں'],
    ['fil', 'oo', '4', 'hindi pa'],
    ['id', 'sudah', '4', 'belum'],
    ['ne', 'भयो', '४', 'भएन'],
  ] as [CitizenLanguage, string, string, string][])('%s', async (language, yes, four, no) => {
    const texts = followUpTexts[language];
    phoneSeq += 1;
    const solvedPhone = `+9665014${String(phoneSeq).padStart(5, '0')}`;
    await ticketEvent(sys, token, `LR-${phoneSeq}`, 'closed', {
      phone: solvedPhone,
      agency: 'hrsd',
      language,
    });
    await waitForMessages(sys, solvedPhone, 1);
    await postInbound(sys, solvedPhone, yes);
    const [, askRating] = await waitForMessages(sys, solvedPhone, 2);
    expect(askRating?.body).toContain(texts.askRating());
    await postInbound(sys, solvedPhone, four);
    const solved = await eventually(
      async () => {
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: `LR-${phoneSeq}` }).lean<FollowUpDoc>();
        return f?.rating !== undefined && f.rating !== null ? f : undefined;
      },
      { what: `the ${language} rating stored` },
    );
    expect(solved).toMatchObject({ solved: true, rating: 4, language });

    phoneSeq += 1;
    const disputedPhone = `+9665014${String(phoneSeq).padStart(5, '0')}`;
    const ref = `LR-${phoneSeq}`;
    await ticketEvent(sys, token, ref, 'closed', { phone: disputedPhone, agency: 'hrsd', language });
    await waitForMessages(sys, disputedPhone, 1);
    await postInbound(sys, disputedPhone, no);
    const disputed = await eventually(
      async () => {
        const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean<FollowUpDoc>();
        return f?.solved === false ? f : undefined;
      },
      { what: `the ${language} "not solved" stored` },
    );
    expect(disputed.outcome).toBe('disputed');
  });
});

describe('the first message in the language of the closure event', () => {
  // A phrase only that language's first message has, and the agency's name in the script it reads.
  it.each([
    ['bn', 'সমাধান হয়েছে? উত্তর 1 হ্যাঁ, 2 না', 'Ministry of Labour'],
    ['hi', 'हल हुआ? 1 हाँ या 2 नहीं भेजें', 'Ministry of Labour'],
    ['ur', 'حل ہوئی؟ جواب 1 ہاں یا 2 نہیں', 'وزارة الموارد البشرية'],
    ['fil', 'Nalutas na po ba ang problema', 'Ministry of Labour'],
    ['id', 'sudah selesai? Balas 1 ya atau 2 tidak', 'Ministry of Labour'],
    ['ne', 'को समाधान भयो? उत्तर 1 हो, 2 होइन', 'Ministry of Labour'],
  ])('%s', async (language, phrase, agencyName) => {
    const body = await firstMessage(language);
    expect(body).toContain(phrase);
    expect(body.startsWith(`${agencyName}: `), body).toBe(true);
  });

  it('reads BCP 47 tags and other ISO codes of a known language (ur-PK, tl, npi)', async () => {
    expect(await firstMessage('ur-PK')).toContain('جواب 1 ہاں یا 2 نہیں');
    expect(await firstMessage('tl')).toContain('Sumagot ng 1 oo o 2 hindi');
    expect(await firstMessage('npi')).toContain('उत्तर 1 हो, 2 होइन');
  });
});

describe('a language we have no texts in', () => {
  it('is asked in Arabic followed by English, and the code asked for is kept', async () => {
    const body = await firstMessage('sw-KE');
    const [arabic, english] = body.split('\n');
    expect(arabic).toMatch(/^وزارة الموارد البشرية: هل حلت مشكلة طلبك L-\d+؟ رد 1 نعم أو 2 لا$/);
    expect(english).toMatch(/^Solved\? Reply 1 yes or 2 no \S+\/f\/\S+$/);
    const ref = `L-${phoneSeq}`;
    const f = await sys.ctx.models.FollowUp.findOne({ ticketRef: ref }).lean<FollowUpDoc>();
    expect(f).toMatchObject({ language: 'ar', requestedLanguage: 'sw-ke' });
    const ticket = await sys.api(`/api/tickets/${ref}`, { token });
    expect(await ticket.json()).toMatchObject({ ticket: { language: 'ar', requestedLanguage: 'sw-ke' } });
  });

  it('refuses a value that is no language code, saying why', async () => {
    for (const language of [7, 'x'.repeat(40), 'ur PK', '<b>', '']) {
      const res = await sys.api('/api/tickets/L-bad/events', {
        token,
        body: {
          eventId: `ev-bad-${String(language).length}-${typeof language}`,
          type: 'closed',
          at: new Date().toISOString(),
          agency: 'hrsd',
          department: 'd',
          agentId: 'a',
          citizenPhone: '+966501234567',
          language,
        },
      });
      expect(res.status, JSON.stringify(language)).toBe(422);
      expect(JSON.stringify(await res.json())).toContain('language');
    }
    expect(await sys.ctx.models.Ticket.countDocuments({ _id: 'L-bad' })).toBe(0);
  });
});

describe('an agency the directory does not name', () => {
  // The raw Latin code would open a right-to-left message and read in the wrong order on the phone.
  it.each([
    ['ar', 'الجهة الحكومية: '],
    ['ur', 'سرکاری ادارہ: '],
    ['hi', 'सरकारी विभाग: '],
    ['en', 'Government agency: '],
  ])('%s names it in the language, never by its code', async (language, opening) => {
    const body = await firstMessage(language, 'unlisted-7');
    expect(body.startsWith(opening)).toBe(true);
    expect(body).not.toContain('unlisted-7');
  });

  it('the sandbox event keeps working with the default language (no language given)', async () => {
    phoneSeq += 1;
    const phone = `+9665013${String(phoneSeq).padStart(5, '0')}`;
    const res = await sys.api(`/api/tickets/L-${phoneSeq}/events`, {
      token,
      headers: { prefer: 'return=representation' },
      body: {
        eventId: `ev-default-${phoneSeq}`,
        type: 'closed',
        at: new Date().toISOString(),
        agency: 'hrsd',
        department: 'd',
        agentId: 'a',
        citizenPhone: phone,
      },
    });
    expect(res.status).toBe(201);
    const [msg] = await waitForMessages(sys, phone, 1);
    expect(msg?.body).toMatch(/^وزارة الموارد البشرية: هل حلت مشكلة طلبك/);
    await eventually(async () =>
      (await sys.ctx.models.FollowUp.countDocuments({
        ticketRef: `L-${phoneSeq}`,
        requestedLanguage: null,
      })) === 1
        ? true
        : undefined,
    );
  });
});

describe('WhatsApp templates in the language of the closure event', () => {
  async function template(language: string): Promise<string> {
    phoneSeq += 1;
    const phone = `+9665013${String(phoneSeq).padStart(5, '0')}`;
    await ticketEvent(sys, token, `L-${phoneSeq}`, 'closed', { phone, agency: 'hrsd-wa', language });
    const msg = await eventually(() =>
      Promise.resolve(sys.ctx.sandbox?.listMessages({ to: `whatsapp:${phone}` })[0]),
    );
    return msg.body;
  }

  it.each([
    ['ur', 'وزارة الموارد البشرية: کیا آپ کی درخواست'],
    ['bn', 'Ministry of Labour: আপনার অনুরোধ'],
    ['id', 'Ministry of Labour: apakah masalah pada permohonan Anda'],
    // One language per template: a language we have no texts in gets the Arabic one.
    ['sw', 'وزارة الموارد البشرية: هل حُلّت مشكلتك'],
  ])('%s', async (language, opening) => {
    expect((await template(language)).startsWith(opening)).toBe(true);
  });
});
