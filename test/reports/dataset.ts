import type { Models } from '../../src/db/models/index.js';
import { rebuildDailySums } from '../../src/scores/sums/daily-sums.js';

/**
 * A month of verified scores for three agencies, five departments and six agents, with every outcome,
 * both languages and every channel. The expected figures in the tests are worked out by hand from
 * this table (see the comments beside each block), not computed by the code under test.
 *
 * March 2025, Asia/Riyadh. 2025-03-02 is a Sunday, so the Sunday-start weeks are 02-23, 03-02,
 * 03-09, 03-16, 03-23 and 03-30.
 */

interface Spec {
  count: number;
  agency: string;
  department: string;
  agent: string;
  /** Local closure time (UTC+3) of the first record; the others follow a minute apart. */
  closedAtUtc: string;
  day: string;
  language?: 'ar' | 'en';
  channel?: 'sms' | 'whatsapp' | 'web' | 'voice';
  outcome?: string;
  sent?: boolean;
  delivered?: boolean;
  solved?: boolean;
  rating?: number;
  reason?: string;
  comment?: string;
  postCallRating?: number;
  answered?: boolean;
}

export const MARCH = { from: '2025-03-01', to: '2025-03-31' };

export const SPECS: Spec[] = [
  // MOMAH / roads / a1 — 18 closures, 13 answers (9 solved, 4 not), delivered 15, sent 16,
  // ratings 12 (sum 45, 8 high), post-call 10 (sum 47), both 10, brush-offs 3.
  // Row 1 closes at 22:30 UTC on 1 March: local 2 March 01:30, so it belongs to day 2025-03-02.
  {
    count: 6,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-03-01T22:30:00Z',
    day: '2025-03-02',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 5,
    postCallRating: 5,
  },
  {
    count: 2,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-03-03T07:00:00Z',
    day: '2025-03-03',
    language: 'en',
    channel: 'web',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 4,
  },
  {
    count: 3,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-03-04T07:00:00Z',
    day: '2025-03-04',
    outcome: 'disputed',
    sent: true,
    delivered: true,
    solved: false,
    rating: 2,
    reason: 'still_broken',
    postCallRating: 5,
  },
  {
    count: 1,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-03-09T07:00:00Z',
    day: '2025-03-09',
    channel: 'whatsapp',
    outcome: 'disputed',
    sent: true,
    delivered: true,
    solved: false,
    rating: 1,
    reason: 'no_contact',
    postCallRating: 2,
  },
  {
    count: 2,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-03-05T07:00:00Z',
    day: '2025-03-05',
    outcome: 'no_response',
    sent: true,
    delivered: true,
    answered: false,
  },
  {
    count: 1,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-03-05T08:00:00Z',
    day: '2025-03-05',
    outcome: 'undeliverable',
    sent: true,
    delivered: false,
    answered: false,
  },
  {
    count: 1,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-03-06T07:00:00Z',
    day: '2025-03-06',
    outcome: 'opted_out',
    sent: false,
    answered: false,
  },
  {
    count: 1,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-03-06T08:00:00Z',
    day: '2025-03-06',
    outcome: 'cancelled_reopened',
    sent: false,
    answered: false,
  },
  // Answered by link although the delivery receipt never came: the answer proves delivery.
  {
    count: 1,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-03-10T07:00:00Z',
    day: '2025-03-10',
    channel: 'web',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: false,
    solved: true,
  },

  // MOMAH / roads / a2 — 7 closures, 5 answers (4 solved, 1 not): low n. Ratings 5 × 3, post-call 4 × 4.
  {
    count: 4,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a2',
    closedAtUtc: '2025-03-11T07:00:00Z',
    day: '2025-03-11',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 3,
    postCallRating: 4,
  },
  {
    count: 1,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a2',
    closedAtUtc: '2025-03-12T07:00:00Z',
    day: '2025-03-12',
    language: 'en',
    outcome: 'disputed',
    sent: true,
    delivered: true,
    solved: false,
    rating: 3,
    reason: 'visit_in_person',
  },
  {
    count: 2,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a2',
    closedAtUtc: '2025-03-12T08:00:00Z',
    day: '2025-03-12',
    outcome: 'no_response',
    sent: true,
    delivered: true,
    answered: false,
  },

  // MOMAH / lighting / a3 — 13 closures, all answered (4 solved, 9 not). Ratings 13 (sum 29, 4 high),
  // post-call 11 (sum 41), both 11, brush-offs 8: the agent is rated well on the phone, then disputed.
  {
    count: 8,
    agency: 'MOMAH',
    department: 'lighting',
    agent: 'a3',
    closedAtUtc: '2025-03-03T09:00:00Z',
    day: '2025-03-03',
    outcome: 'disputed',
    sent: true,
    delivered: true,
    solved: false,
    rating: 1,
    reason: 'still_broken',
    postCallRating: 4,
  },
  {
    count: 3,
    agency: 'MOMAH',
    department: 'lighting',
    agent: 'a3',
    closedAtUtc: '2025-03-13T09:00:00Z',
    day: '2025-03-13',
    language: 'en',
    channel: 'web',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 5,
    postCallRating: 3,
  },
  {
    count: 1,
    agency: 'MOMAH',
    department: 'lighting',
    agent: 'a3',
    closedAtUtc: '2025-03-14T09:00:00Z',
    day: '2025-03-14',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 4,
    comment: '=HYPERLINK("http://example.invalid","click")',
  },
  {
    count: 1,
    agency: 'MOMAH',
    department: 'lighting',
    agent: 'a3',
    closedAtUtc: '2025-03-14T10:00:00Z',
    day: '2025-03-14',
    outcome: 'disputed',
    sent: true,
    delivered: true,
    solved: false,
    rating: 2,
    reason: 'other',
    comment: 'ما زالت الإنارة مطفأة، "لا أحد" حضر\nسطر ثان',
  },

  // MOH / appointments / h1 — 12 closures, 12 answers (10 solved, 2 not), ratings 10×5 + 2×3,
  // post-call the same, brush-offs 0.
  {
    count: 10,
    agency: 'MOH',
    department: 'appointments',
    agent: 'h1',
    closedAtUtc: '2025-03-02T06:00:00Z',
    day: '2025-03-02',
    language: 'en',
    channel: 'whatsapp',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 5,
    postCallRating: 5,
  },
  {
    count: 2,
    agency: 'MOH',
    department: 'appointments',
    agent: 'h1',
    closedAtUtc: '2025-03-08T06:00:00Z',
    day: '2025-03-08',
    outcome: 'disputed',
    sent: true,
    delivered: true,
    solved: false,
    rating: 3,
    reason: 'no_contact',
    postCallRating: 3,
  },

  // MOH / records / h2 — 6 closures, 1 answer: low n.
  {
    count: 5,
    agency: 'MOH',
    department: 'records',
    agent: 'h2',
    closedAtUtc: '2025-03-15T06:00:00Z',
    day: '2025-03-15',
    outcome: 'no_response',
    sent: true,
    delivered: true,
    answered: false,
  },
  {
    count: 1,
    agency: 'MOH',
    department: 'records',
    agent: 'h2',
    closedAtUtc: '2025-03-15T07:00:00Z',
    day: '2025-03-15',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 5,
  },

  // HRSD / support / s1 — 3 closures, 2 answers: low n, a low-n agency.
  {
    count: 2,
    agency: 'HRSD',
    department: 'support',
    agent: 's1',
    closedAtUtc: '2025-03-20T06:00:00Z',
    day: '2025-03-20',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 4,
  },
  {
    count: 1,
    agency: 'HRSD',
    department: 'support',
    agent: 's1',
    closedAtUtc: '2025-03-20T07:00:00Z',
    day: '2025-03-20',
    outcome: 'opted_out',
    sent: false,
    answered: false,
  },

  // Outside March: must never be counted in a March report.
  {
    count: 5,
    agency: 'MOMAH',
    department: 'roads',
    agent: 'a1',
    closedAtUtc: '2025-02-28T07:00:00Z',
    day: '2025-02-28',
    outcome: 'disputed',
    sent: true,
    delivered: true,
    solved: false,
    rating: 1,
  },
  {
    count: 2,
    agency: 'MOH',
    department: 'appointments',
    agent: 'h1',
    closedAtUtc: '2025-04-01T07:00:00Z',
    day: '2025-04-01',
    outcome: 'confirmed_solved',
    sent: true,
    delivered: true,
    solved: true,
    rating: 5,
  },
];

/** Phone of the n-th record: Saudi mobile numbers, distinct per record. */
export function phoneOf(i: number): string {
  return `+9665${String(10_000_000 + i).padStart(8, '0')}`;
}

export function buildScores(specs: Spec[] = SPECS) {
  const docs = [];
  let i = 0;
  for (const s of specs) {
    for (let k = 0; k < s.count; k++) {
      const closedAt = new Date(Date.parse(s.closedAtUtc) + k * 60_000);
      i += 1;
      docs.push({
        ticketRef: `T-${String(i).padStart(5, '0')}`,
        closureNumber: 1,
        agency: s.agency,
        department: s.department,
        agentId: s.agent,
        citizenPhone: phoneOf(i),
        language: s.language ?? 'ar',
        closedAt,
        day: s.day,
        outcome: s.outcome,
        sent: s.sent ?? false,
        delivered: s.delivered ?? false,
        channel: s.channel ?? 'sms',
        ...(s.solved !== undefined
          ? { solved: s.solved, answeredAt: new Date(closedAt.getTime() + 3 * 86_400_000) }
          : {}),
        ...(s.rating !== undefined ? { rating: s.rating } : {}),
        ...(s.reason !== undefined ? { reason: s.reason } : {}),
        ...(s.comment !== undefined ? { comment: s.comment } : {}),
        ...(s.postCallRating !== undefined ? { postCallRating: s.postCallRating } : {}),
      });
    }
  }
  return docs;
}

export async function seedScores(models: Models): Promise<number> {
  const docs = buildScores();
  await models.VerifiedScore.insertMany(docs);
  // Written straight to the collection, past the writers that keep the daily sums in step.
  await rebuildDailySums(models);
  await models.Agency.insertMany([
    { code: 'MOMAH', name: { ar: 'وزارة الشؤون البلدية', en: 'Municipal Affairs' } },
    { code: 'MOH', name: { ar: 'وزارة الصحة', en: 'Ministry of Health' } },
    { code: 'HRSD', name: { ar: 'الموارد البشرية', en: 'Human Resources' } },
  ]);
  await models.Department.insertMany([
    { agency: 'MOMAH', code: 'roads', name: { ar: 'الطرق', en: 'Roads' } },
    { agency: 'MOMAH', code: 'lighting', name: { ar: 'الإنارة', en: 'Street lighting' } },
    { agency: 'MOH', code: 'appointments', name: { ar: 'المواعيد', en: 'Appointments' } },
    { agency: 'MOH', code: 'records', name: { ar: 'السجلات', en: 'Records' } },
    { agency: 'HRSD', code: 'support', name: { ar: 'الدعم', en: 'Support' } },
  ]);
  await models.Agent.insertMany([
    { agentId: 'a1', agency: 'MOMAH', department: 'roads', displayName: 'سارة العتيبي' },
    { agentId: 'a2', agency: 'MOMAH', department: 'roads', displayName: 'Fahad Al-Qahtani' },
    { agentId: 'a3', agency: 'MOMAH', department: 'lighting', displayName: 'نورة الشهري' },
    { agentId: 'h1', agency: 'MOH', department: 'appointments', displayName: 'Omar Al-Harbi' },
    { agentId: 'h2', agency: 'MOH', department: 'records', displayName: 'ريم الدوسري' },
    { agentId: 's1', agency: 'HRSD', department: 'support', displayName: 'Khalid Al-Zahrani' },
  ]);
  return docs.length;
}
