import type { Request, Response } from 'express';
import { Types } from 'mongoose';
import type { Principal } from '../../auth/api-tokens.js';
import { actorOf, writeAudit } from '../../auth/audit.js';
import { applyScope } from '../../auth/roles.js';
import type { AppContext } from '../../context.js';
import type { Models } from '../../db/models/index.js';
import { HttpError } from '../../http/errors.js';
import type { ReportLang } from '../../i18n/reports.js';
import type { ReportFilter } from '../filters.js';
import { mayHearRecordings } from '../authorise.js';
import { hijriDay } from './times.js';

/**
 * Voice comments (the post-call menu's recorded comment, db/models/call.ts `recording`) on the entity
 * pages: a player for the roles that may hear recordings (reports/authorise.ts mayHearRecordings),
 * served through GET /reports/voice/:id, which checks the role and the scope again and audits each
 * play; everyone else sees only that a voice comment exists.
 */

export interface VoiceComment {
  id: string;
  ticketRef: string;
  day: string;
  durationSec: number;
}

export async function loadVoiceComments(
  models: Models,
  f: ReportFilter,
  limit = 20,
): Promise<VoiceComment[]> {
  const rows = await models.PostCallRating.find(
    {
      day: { $gte: f.from, $lte: f.to },
      'recording.sid': { $exists: true },
      ...(f.agency ? { agency: f.agency } : {}),
      ...(f.department ? { department: f.department } : {}),
      ...(f.agent ? { agentId: f.agent } : {}),
    },
    { ticketRef: 1, day: 1, recording: 1 },
  )
    .sort({ day: -1, _id: -1 })
    .limit(limit)
    .lean();
  return rows.map((r) => ({
    id: String(r._id),
    ticketRef: r.ticketRef ?? '',
    day: r.day ?? '',
    durationSec: r.recording?.durationSec ?? 0,
  }));
}

export function VoiceComments({
  lang,
  comments,
  mayHear,
}: {
  lang: ReportLang;
  comments: VoiceComment[];
  mayHear: boolean;
}) {
  const w = TEXTS[lang];
  return (
    <section aria-labelledby="h-voice" id="voice">
      <h2 id="h-voice">{w.title}</h2>
      {comments.length === 0 ? (
        <p class="note">{w.none}</p>
      ) : (
        <>
          {!mayHear && <p class="note">{w.notAllowed}</p>}
          <ul class="words" data-voice-comments>
            {comments.map((c) => (
              <li data-voice={c.id}>
                {mayHear ? (
                  <audio
                    controls
                    preload="none"
                    src={`/reports/voice/${encodeURIComponent(c.id)}`}
                    aria-label={`${w.comment} ${c.ticketRef}`}
                    style={{ maxWidth: '100%', width: '20rem' }}
                  />
                ) : (
                  <span data-voice-exists>🎙 {w.exists}</span>
                )}
                <span class="note">
                  {' '}
                  <bdi dir="ltr">{c.ticketRef}</bdi> · {c.day} ({hijriDay(c.day, lang)}) ·{' '}
                  {w.seconds(c.durationSec)}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** A short tone of the recording's length: what the sandbox plays, having no real audio to fetch. */
export function sandboxTone(seconds: number): Buffer {
  const rate = 8000;
  const samples = Math.max(1, Math.min(30, Math.round(seconds))) * rate;
  const wav = Buffer.alloc(44 + samples);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate, 28);
  wav.writeUInt16LE(1, 32);
  wav.writeUInt16LE(8, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples, 40);
  for (let i = 0; i < samples; i++)
    wav[44 + i] = 128 + Math.round(20 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return wav;
}

/**
 * GET /reports/voice/:id: the recording, for a reader who may hear recordings and whose scope holds
 * the call. Live: fetched from Twilio with the account's credentials and passed through (the URL is
 * never given to the browser). Sandbox: a tone of the same length. Each play is audited.
 */
export async function serveVoiceComment(
  ctx: AppContext,
  req: Request,
  res: Response,
  principal: Principal,
): Promise<void> {
  const id = String((req.params as Record<string, string>).id ?? '');
  if (!mayHearRecordings(principal.role))
    throw new HttpError(403, 'forbidden', `role ${principal.role} may not hear recordings`);
  if (!Types.ObjectId.isValid(id)) throw new HttpError(404, 'not_found', 'no such voice comment');
  const rating = await ctx.models.PostCallRating.findById(id, {
    agency: 1,
    department: 1,
    ticketRef: 1,
    recording: 1,
  }).lean();
  if (!rating?.recording?.url) throw new HttpError(404, 'not_found', 'no such voice comment');
  const scope = applyScope(principal, {
    ...(rating.agency ? { agency: rating.agency } : {}),
    ...(rating.department ? { department: rating.department } : {}),
  });
  if (!scope.allowed) throw new HttpError(404, 'not_found', 'no such voice comment');
  await writeAudit(ctx, {
    actor: actorOf(principal),
    action: 'export',
    outcome: 'ok',
    detail: { what: 'voice comment', rating: id, ticketRef: rating.ticketRef ?? null },
    ...(rating.agency ? { agency: rating.agency } : {}),
    ...(req.ip ? { ip: req.ip } : {}),
  });
  res.set({ 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' });
  if (ctx.config.twilio.mode === 'sandbox') {
    res.type('audio/wav').send(sandboxTone(rating.recording.durationSec ?? 3));
    return;
  }
  const { accountSid, authToken } = ctx.config.twilio;
  const upstream = await fetch(`${rating.recording.url}.mp3`, {
    headers: { authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}` },
  });
  if (!upstream.ok)
    throw new HttpError(
      502,
      'upstream',
      `Twilio answered ${upstream.status} for the recording of rating ${id}`,
    );
  res.type('audio/mpeg').send(Buffer.from(await upstream.arrayBuffer()));
}

const AR = {
  title: 'التعليقات الصوتية',
  none: 'لا تعليق صوتي في هذه الفترة.',
  notAllowed: 'يوجد تعليق صوتي؛ الاستماع إلى التسجيلات متاح لمدير النظام فقط.',
  exists: 'تعليق صوتي مسجل',
  comment: 'تعليق صوتي على البلاغ',
  seconds: (s: number) => `${s} ث`,
};
const EN: typeof AR = {
  title: 'Voice comments',
  none: 'No voice comment in this period.',
  notAllowed: 'Voice comments exist; only administrators may listen to recordings.',
  exists: 'Voice comment recorded',
  comment: 'Voice comment on ticket',
  seconds: (s) => `${s} s`,
};
const TEXTS: Record<ReportLang, typeof AR> = { ar: AR, en: EN };
