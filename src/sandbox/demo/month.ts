import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Channel, Outcome } from '../../db/models/followup.js';
import type { Models } from '../../db/models/index.js';
import { REASONS } from '../../followup/conversation/reply-parser.js';
import { localDay } from '../../followup/schedule/send-window.js';
import { rebuildDailySums } from '../../scores/sums/daily-sums.js';
import { addDays, localToday } from '../../reports/periods.js';

/**
 * A month of demo data: three agencies, six departments and twelve agents with different habits,
 * one of whom is rated 5 on every call while most of the closures the agent reports are disputed
 * (the brush-off the system exists to show). Each closure gets its verified score (and, when the
 * citizen had called, the post-call rating it links to) as the system stores them; the daily sums
 * the dashboard and the public board read are then computed by the system's own
 * `rebuildDailySums`, the documented path after importing records, so every figure shown is true
 * of the records. Random but reproducible: the same seed gives the same month.
 */

export interface AgentProfile {
  agentId: string;
  agency: string;
  department: string;
  name: { ar: string; en: string };
  /** Chance a citizen who answers says solved. */
  solved: number;
  /** Chance a delivered message is answered. */
  response: number;
  /** Mean post-call keypad rating (1–5), or 5 exactly for the brush-off agent. */
  postCall: number;
  closuresPerDay: [number, number];
}

export const DEMO_AGENCIES = [
  {
    code: 'MOMAH',
    name: { ar: 'وزارة البلديات والإسكان', en: 'Ministry of Municipalities and Housing' },
    departments: [
      { code: 'roads', name: { ar: 'الطرق والحفريات', en: 'Roads and potholes' } },
      { code: 'lighting', name: { ar: 'إنارة الشوارع', en: 'Street lighting' } },
    ],
  },
  {
    code: 'MOH',
    name: { ar: 'وزارة الصحة', en: 'Ministry of Health' },
    departments: [
      { code: 'appointments', name: { ar: 'المواعيد', en: 'Appointments' } },
      { code: 'complaints', name: { ar: 'الشكاوى', en: 'Complaints' } },
    ],
  },
  {
    code: 'NWC',
    name: { ar: 'شركة المياه الوطنية', en: 'National Water Company' },
    departments: [
      { code: 'leaks', name: { ar: 'التسربات', en: 'Leaks' } },
      { code: 'billing', name: { ar: 'الفواتير', en: 'Billing' } },
    ],
  },
] as const;

const agent = (
  agentId: string,
  agency: string,
  department: string,
  ar: string,
  en: string,
  solved: number,
  response: number,
  postCall: number,
  closuresPerDay: [number, number] = [3, 8],
): AgentProfile => ({
  agentId,
  agency,
  department,
  name: { ar, en },
  solved,
  response,
  postCall,
  closuresPerDay,
});

export const DEMO_AGENTS: AgentProfile[] = [
  agent('momah-r-01', 'MOMAH', 'roads', 'سارة العتيبي', 'Sara Alotaibi', 0.82, 0.7, 4.3),
  // Rated 5 on every call, while most of the closures this agent reports are disputed.
  agent('momah-r-02', 'MOMAH', 'roads', 'فهد القحطاني', 'Fahad Alqahtani', 0.28, 0.72, 5, [5, 10]),
  agent('momah-l-01', 'MOMAH', 'lighting', 'نورة الشهري', 'Noura Alshehri', 0.74, 0.6, 4.0),
  agent('momah-l-02', 'MOMAH', 'lighting', 'خالد الزهراني', 'Khalid Alzahrani', 0.66, 0.55, 3.7, [1, 3]),
  agent('moh-a-01', 'MOH', 'appointments', 'ريم الدوسري', 'Reem Aldosari', 0.9, 0.75, 4.6),
  agent('moh-a-02', 'MOH', 'appointments', 'عبدالله الحربي', 'Abdullah Alharbi', 0.85, 0.65, 4.2),
  agent('moh-c-01', 'MOH', 'complaints', 'هند المطيري', 'Hind Almutairi', 0.58, 0.7, 3.4),
  agent('moh-c-02', 'MOH', 'complaints', 'ماجد الغامدي', 'Majed Alghamdi', 0.61, 0.5, 3.9),
  agent('nwc-k-01', 'NWC', 'leaks', 'لمى السبيعي', 'Lama Alsubaie', 0.7, 0.62, 4.1),
  agent('nwc-k-02', 'NWC', 'leaks', 'تركي العنزي', 'Turki Alanazi', 0.47, 0.58, 3.2),
  agent('nwc-b-01', 'NWC', 'billing', 'أمل الشمري', 'Amal Alshammari', 0.79, 0.68, 4.4),
  agent('nwc-b-02', 'NWC', 'billing', 'سلطان البقمي', 'Sultan Albuqami', 0.72, 0.45, 3.8, [2, 5]),
];

/** mulberry32: small, fast, and the same sequence for the same seed. */
function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MonthProgress {
  day: number;
  days: number;
  closures: number;
  phase: 'records' | 'sums';
}

export interface MonthOptions {
  days?: number;
  timeZone: string;
  seed?: number;
  /** Called after each day is written and once the sums are built. */
  onProgress?: (p: MonthProgress) => void;
}

function clampRating(x: number): number {
  return Math.max(1, Math.min(5, Math.round(x)));
}

/** What citizens wrote when they said "not solved", by reason, in the two languages of the demo. */
const DEMO_WORDS: Record<(typeof REASONS)[number], { ar: string[]; en: string[] }> = {
  no_contact: {
    ar: ['لم يتصل بي أحد ولم يحضر أحد', 'أغلقوا البلاغ دون أي اتصال'],
    en: ['Nobody called me or came', 'They closed it without contacting me'],
  },
  still_exists: {
    ar: ['الحفرة ما زالت أمام البيت', 'المشكلة كما هي منذ أسبوعين'],
    en: ['The pothole is still outside my house', 'Nothing has changed in two weeks'],
  },
  asked_to_visit: {
    ar: ['طلبوا مني مراجعة الفرع بنفسي', 'قالوا راجع المكتب'],
    en: ['They told me to visit the branch myself', 'I was asked to come to the office'],
  },
  other: {
    ar: ['قالوا تم الحل ولم يأت أحد'],
    en: ['They said it was fixed; nobody came'],
  },
};

const DAY_MS = 86_400_000;

/**
 * What the agency did after a demo dispute (db/models/dispute.ts), as the dispute follower would have
 * recorded it: most agencies reopen most disputes within their 7 days; the brush-off agent's are
 * mostly left waiting. Never a reopen or closure after now.
 */
function demoDispute(
  random: () => number,
  score: Record<string, unknown>,
  disputedAt: Date,
  timeZone: string,
  now: number,
  acts: number,
): Record<string, unknown> {
  const deadlineAt = new Date(disputedAt.getTime() + 7 * DAY_MS);
  const doc: Record<string, unknown> = {
    _id: `${String(score.ticketRef)}#1`,
    ticketRef: score.ticketRef,
    closureNumber: 1,
    agency: score.agency,
    department: score.department,
    agentId: score.agentId,
    closedAt: score.closedAt,
    disputedAt,
    day: localDay(disputedAt, timeZone),
    actDays: 7,
    deadlineAt,
    state: 'waiting',
    stage: 0,
    createdAt: disputedAt,
    updatedAt: disputedAt,
  };
  const daysToAct = 0.2 + random() * 11;
  const reopenedAt = new Date(disputedAt.getTime() + daysToAct * DAY_MS);
  if (random() >= acts || reopenedAt.getTime() > now) return doc;
  Object.assign(doc, {
    state: 'reopened',
    stage: 1,
    reopenedAt,
    reopenEventId: `demo-reopen-${String(score.ticketRef)}`,
    inTime: reopenedAt.getTime() <= deadlineAt.getTime(),
    daysToAct,
  });
  const nextClosedAt = new Date(reopenedAt.getTime() + (1 + random() * 3) * DAY_MS);
  if (random() < 0.25 || nextClosedAt.getTime() > now) return doc;
  Object.assign(doc, { state: 'closed_again', stage: 2, nextClosureNumber: 2, nextClosedAt });
  const roll = random();
  if (nextClosedAt.getTime() + 3 * DAY_MS > now || roll < 0.2) return doc;
  return roll < 0.8
    ? { ...doc, state: 'verified_solved', stage: 3, nextOutcome: 'confirmed_solved' }
    : { ...doc, state: 'disputed_again', stage: 3, nextOutcome: 'disputed' };
}

export async function writeDemoMonth(
  models: Models,
  opts: MonthOptions,
): Promise<{ closures: number; postCallRatings: number; buckets: number }> {
  const days = opts.days ?? 30;
  const random = randomSource(opts.seed ?? 13);
  // Disputes, words and voice comments draw from a source of their own, so the month's closures,
  // answers and ratings stay what they were before these were added.
  const extra = randomSource((opts.seed ?? 13) + 1);
  const now = Date.now();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

  // The directory: names people read come from here, never from ticket events.
  for (const a of DEMO_AGENCIES) {
    await models.Agency.updateOne({ code: a.code }, { $set: { name: a.name } }, { upsert: true });
    for (const d of a.departments)
      await models.Department.updateOne(
        { agency: a.code, code: d.code },
        { $set: { name: d.name } },
        { upsert: true },
      );
  }
  for (const p of DEMO_AGENTS)
    await models.Agent.updateOne(
      { agentId: p.agentId },
      { $set: { agency: p.agency, department: p.department, displayName: p.name.ar } },
      { upsert: true },
    );

  const today = localToday(opts.timeZone);
  let closures = 0;
  let postCallRatings = 0;
  for (let i = 0; i < days; i++) {
    const day = addDays(today, -(days - 1) + i);
    const scores: Record<string, unknown>[] = [];
    const calls: Record<string, unknown>[] = [];
    const disputes: Record<string, unknown>[] = [];
    for (const p of DEMO_AGENTS) {
      const count = between(...p.closuresPerDay);
      for (let n = 0; n < count; n++) {
        const closedAt = DateTime.fromISO(
          `${day}T${String(between(8, 19)).padStart(2, '0')}:${String(between(0, 59)).padStart(2, '0')}`,
          {
            zone: opts.timeZone,
          },
        ).toJSDate();
        const ticketRef = `DM-${day.replace(/-/g, '')}-${p.agentId}-${n + 1}`;
        const language = random() < 0.85 ? 'ar' : 'en';
        // Most citizens called first and some of them rated the call.
        const rated = random() < 0.6;
        const postCall = rated
          ? p.postCall >= 5
            ? 5
            : clampRating(p.postCall + (random() - 0.5) * 2.4)
          : undefined;
        const score: Record<string, unknown> = {
          ticketRef,
          closureNumber: 1,
          agency: p.agency,
          department: p.department,
          agentId: p.agentId,
          citizenPhone: `+9665${String(between(10_000_000, 99_999_999))}`,
          language,
          closedAt,
          day: localDay(closedAt, opts.timeZone),
          sent: false,
          delivered: false,
          channel: 'sms' satisfies Channel,
          sumsRev: 1,
        };
        if (postCall !== undefined) {
          const callSid = `CA${randomBytes(16).toString('hex')}`;
          const id = new models.PostCallRating()._id;
          calls.push({
            _id: id,
            callSid,
            flow: 'post-call-rating',
            agentId: p.agentId,
            ticketRef,
            agency: p.agency,
            department: p.department,
            language,
            agentRating: postCall,
            solvedOnCall: random() < 0.8,
            status: 'complete',
            day: score.day,
            finalisedAt: closedAt,
            callDurationSec: between(90, 600),
            // A few callers left a voice comment after the keypad questions (the reference only).
            ...(extra() < 0.08
              ? {
                  recording: {
                    sid: `RE${randomBytes(16).toString('hex')}`,
                    url: `https://api.twilio.com/2010-04-01/Accounts/ACdemo/Recordings/demo-${ticketRef}`,
                    durationSec: 4 + Math.floor(extra() * 20),
                    status: 'completed',
                  },
                }
              : {}),
          });
          score.postCallRatingId = id;
          score.postCallRating = postCall;
        }
        const roll = random();
        let outcome: Outcome;
        if (roll < 0.03) outcome = 'cancelled_reopened';
        else if (roll < 0.05) outcome = 'opted_out';
        else {
          score.sent = true;
          const delivered = random() < 0.95;
          score.delivered = delivered;
          if (!delivered) outcome = 'undeliverable';
          else if (random() >= p.response) outcome = 'no_response';
          else {
            const solved = random() < p.solved;
            const channel: Channel = pick(['sms', 'sms', 'sms', 'web', 'web', 'whatsapp'] as const);
            score.solved = solved;
            score.channel = channel;
            score.answeredAt = new Date(closedAt.getTime() + (72 + between(0, 30)) * 3_600_000);
            if (random() < 0.9)
              score.rating = clampRating(solved ? 4.4 + random() * 1.2 - 0.4 : 1.6 + random() * 2);
            if (!solved) {
              score.reason = pick(REASONS);
              const bank = DEMO_WORDS[score.reason as (typeof REASONS)[number]][language];
              if (score.reason === 'other' || extra() < 0.45)
                score.comment = bank[Math.floor(extra() * bank.length)];
              // An answer the demo dates after now is not a dispute yet.
              if ((score.answeredAt as Date).getTime() <= now)
                disputes.push(
                  demoDispute(
                    extra,
                    score,
                    score.answeredAt as Date,
                    opts.timeZone,
                    now,
                    p.postCall >= 5 ? 0.25 : 0.8,
                  ),
                );
            }
            outcome = solved ? 'confirmed_solved' : 'disputed';
          }
        }
        score.outcome = outcome;
        scores.push(score);
      }
    }
    if (calls.length > 0) await models.PostCallRating.collection.insertMany(calls);
    if (disputes.length > 0) await models.Dispute.collection.insertMany(disputes);
    await models.VerifiedScore.collection.insertMany(
      scores.map((s) => ({ ...s, createdAt: new Date(), updatedAt: new Date() })),
    );
    closures += scores.length;
    postCallRatings += calls.length;
    opts.onProgress?.({ day: i + 1, days, closures, phase: 'records' });
  }
  const { buckets } = await rebuildDailySums(models);
  opts.onProgress?.({ day: days, days, closures, phase: 'sums' });
  return { closures, postCallRatings, buckets };
}
