import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpDoc } from '../../src/db/models/followup.js';
import { recordAnswer } from '../../src/followup/conversation/answer-record.js';
import { answerOrigin } from '../../src/followup/conversation/origin.js';
import { rebuildDailySums } from '../../src/scores/sums/daily-sums.js';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { createStaff, PASSWORD } from './helpers.js';

/**
 * A seeded June with one gaming pattern per agent, and one clean agent:
 *   g_invalid  30 of 100 asked closures undeliverable (a wrong number typed so nobody is asked)
 *   g_repeat   one citizen number on 40 closures
 *   g_staff    3 of 15 closures carry the agent's own (directory) number
 *   g_device   one device answering the answer page for 20 different citizens
 *   g_fast     20 answers each 2 seconds after the message
 *   g_reopen   10 of 20 closures reopened within 2 days
 *   c1         100 closures: 2 undeliverable, distinct numbers and devices, answers an hour after the
 *              message, one reopen after 30 days (outside the 7-day window)
 */
let sys: TestSystem;
let browser: Browser;
const DAY = '2025-06-10';
const CLOSED = new Date(`${DAY}T09:00:00Z`);
let seq = 0;
const phone = () => `+9665${String(20_000_000 + ++seq)}`;

interface Row {
  agent: string;
  department?: string;
  n: number;
  phone?: string;
  delivered?: boolean;
  outcome?: string;
}

function scores(r: Row) {
  return Array.from({ length: r.n }, () => {
    const ticketRef = `IG-${++seq}`;
    return {
      ticketRef,
      closureNumber: 1,
      agency: 'MOMAH',
      department: r.department ?? 'roads',
      agentId: r.agent,
      citizenPhone: r.phone ?? phone(),
      closedAt: CLOSED,
      day: DAY,
      sent: true,
      delivered: r.delivered ?? true,
      outcome: r.outcome ?? 'no_response',
    };
  });
}

async function answers(agent: string, n: number, how: { ip: (i: number) => string; sentSecondsAgo: number }) {
  for (let i = 0; i < n; i++) {
    const f = {
      _id: new Types.ObjectId(),
      ticketRef: `IGA-${agent}-${i}`,
      closureNumber: 1,
      agency: 'MOMAH',
      department: 'roads',
      agentId: agent,
      citizenPhone: phone(),
      closedAt: CLOSED,
      sentAt: new Date(Date.now() - how.sentSecondsAgo * 1000),
      revision: 2,
      solved: true,
    } as unknown as FollowUpDoc;
    await recordAnswer(sys.ctx, f, {
      channel: 'web',
      step: 'rating',
      origin: answerOrigin(sys.ctx.config.integrity.key, how.ip(i), 'Mozilla/5.0 (Linux; Android 14)'),
    });
  }
}

function ticket(agent: string, reopenAfterDays: number | null) {
  const ref = `IGT-${++seq}`;
  return {
    _id: new Types.ObjectId(),
    ticketRef: ref,
    agency: 'MOMAH',
    department: 'roads',
    agentId: agent,
    citizenPhone: phone(),
    closures: [
      {
        number: 1,
        eventId: `e-${ref}`,
        closedAt: CLOSED,
        agency: 'MOMAH',
        department: 'roads',
        agentId: agent,
        ...(reopenAfterDays !== null
          ? { reopenedAt: new Date(CLOSED.getTime() + reopenAfterDays * 86_400_000) }
          : {}),
      },
    ],
  };
}

beforeAll(async () => {
  sys = await startTestSystem();
  const models = sys.ctx.models;
  const staffPhone = '+966500000777';
  await models.Agent.insertMany([
    {
      agentId: 'g_staff',
      agency: 'MOMAH',
      department: 'roads',
      displayName: 'Staff Self',
      staffPhones: [staffPhone],
    },
    {
      agentId: 'c1',
      agency: 'MOMAH',
      department: 'lighting',
      displayName: 'Clean Agent',
      staffPhones: ['+966500000888'],
    },
  ]);
  await models.VerifiedScore.insertMany([
    ...scores({ agent: 'g_invalid', n: 30, delivered: false, outcome: 'undeliverable' }),
    ...scores({ agent: 'g_invalid', n: 70 }),
    ...scores({ agent: 'g_repeat', n: 40, phone: '+966500000040' }),
    ...scores({ agent: 'g_staff', n: 3, phone: staffPhone }),
    ...scores({ agent: 'g_staff', n: 12 }),
    ...scores({ agent: 'g_device', n: 20 }),
    ...scores({ agent: 'g_fast', n: 20 }),
    ...scores({ agent: 'g_reopen', n: 20 }),
    ...scores({ agent: 'c1', department: 'lighting', n: 2, delivered: false, outcome: 'undeliverable' }),
    ...scores({ agent: 'c1', department: 'lighting', n: 98 }),
  ]);
  await rebuildDailySums(models);
  await answers('g_device', 20, { ip: () => '10.1.2.3', sentSecondsAgo: 3600 });
  await answers('g_fast', 20, { ip: (i) => `10.9.${i}.1`, sentSecondsAgo: 2 });
  await answers('c1', 30, { ip: (i) => `10.5.${i}.1`, sentSecondsAgo: 3600 });
  await models.Ticket.collection.insertMany([
    ...Array.from({ length: 10 }, () => ticket('g_reopen', 2)),
    ...Array.from({ length: 10 }, () => ticket('g_reopen', null)),
    ticket('c1', 30),
  ]);
  await createStaff(sys);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

interface Json {
  agents: {
    key: string;
    flagged: string[];
    signals: { key: string; count: number; n: number; flagged: boolean }[];
  }[];
  departments: { key: string; flagged: string[] }[];
  definitions: { key: string; definition: string; threshold: number; ar: { definition: string } }[];
}

describe('integrity signals', () => {
  it('flags each planted gaming pattern, and not the clean agent', async () => {
    const res = await sys.api('/api/reports/integrity?from=2025-06-01&to=2025-06-30', {
      token: await sys.token('auditor'),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as Json;
    const flags = Object.fromEntries(body.agents.map((a) => [a.key, a.flagged]));
    expect(flags).toEqual({
      g_invalid: ['undeliverable'],
      g_repeat: ['repeatedNumber'],
      g_staff: ['staffNumber'],
      g_device: ['sharedDevice'],
      g_fast: ['fastAnswers'],
      g_reopen: ['reopened'],
      c1: [],
    });
    const signal = (agent: string, key: string) =>
      body.agents.find((a) => a.key === agent)?.signals.find((s) => s.key === key);
    expect(signal('g_invalid', 'undeliverable')).toMatchObject({ count: 30, n: 100 });
    expect(signal('c1', 'undeliverable')).toMatchObject({ count: 2, n: 100, flagged: false });
    expect(signal('g_repeat', 'repeatedNumber')).toMatchObject({ count: 40, n: 40 });
    expect(signal('g_staff', 'staffNumber')).toMatchObject({ count: 3, n: 15 });
    expect(signal('g_device', 'sharedDevice')).toMatchObject({ count: 20, n: 20 });
    expect(signal('c1', 'sharedDevice')).toMatchObject({ count: 0, n: 30 });
    expect(signal('g_fast', 'fastAnswers')).toMatchObject({ count: 20, n: 20 });
    expect(signal('g_reopen', 'reopened')).toMatchObject({ count: 10, n: 20 });
    expect(signal('c1', 'reopened')).toMatchObject({ count: 0, flagged: false });
    // Departments: roads holds every gaming agent, lighting only the clean one.
    const departments = Object.fromEntries(body.departments.map((d) => [d.key, d.flagged]));
    expect(departments['MOMAH/lighting']).toEqual([]);
    // Roads' 30 undeliverable of 215 asked (14%) has a lower bound under 10%: diluted, not flagged.
    expect(departments['MOMAH/roads']).toEqual([
      'repeatedNumber',
      'staffNumber',
      'sharedDevice',
      'fastAnswers',
    ]);
    for (const d of body.definitions) {
      expect(d.definition.length).toBeGreaterThan(30);
      expect(d.ar.definition).toMatch(/[\u0600-\u06FF]/);
    }
  });

  it('keeps only keyed hashes of where an answer came from', async () => {
    const stored = await sys.ctx.models.AnswerOrigin.collection.find({ agentId: 'g_device' }).toArray();
    expect(stored).toHaveLength(20);
    const text = JSON.stringify(stored);
    expect(text).not.toContain('10.1.2.3');
    expect(text).not.toContain('Mozilla');
    expect(text).not.toContain('+9665');
    expect(new Set(stored.map((s) => String(s.deviceHash))).size).toBe(1);
  });

  it('is for auditors and administrators only', async () => {
    const res = await sys.api('/api/reports/integrity?from=2025-06-01&to=2025-06-30', {
      token: await sys.token('manager', { agency: 'MOMAH' }),
    });
    expect(res.status).toBe(403);
  });

  it("shows the flags in the agent table and on the auditors' page, in Chromium", async () => {
    const page = await browser.newPage();
    await page.goto(`${sys.baseUrl}/login`);
    await page.fill('input[name=username]', 'auditor');
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/dashboard/);
    await page.goto(`${sys.baseUrl}/dashboard?from=2025-06-01&to=2025-06-30&lang=en`);
    expect(await page.getAttribute('#agents tr[data-agent=g_invalid] td[data-flags]', 'data-flags')).toBe(
      'undeliverable',
    );
    expect(await page.getAttribute('#agents tr[data-agent=c1] td[data-flags]', 'data-flags')).toBe('');
    await page.click('#agents tr[data-agent=g_repeat] td[data-flags] a');
    await page.waitForURL(/\/audit\/integrity/);
    expect(await page.getAttribute('html', 'dir')).toBe('ltr');
    expect(await page.getAttribute('#agents tr[data-key=g_repeat]', 'data-flags')).toBe('repeatedNumber');
    expect(await page.getAttribute('#agents tr[data-key=c1]', 'data-flags')).toBe('');
    expect(await page.textContent('#agents tr[data-key=c1] td:first-child')).toContain('Clean Agent');
    await page.goto(`${sys.baseUrl}/audit/integrity?from=2025-06-01&to=2025-06-30&lang=ar`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.locator('dt[data-definition]').count()).toBe(7);
    await page.close();
  });
});
