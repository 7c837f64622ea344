import { agencyFollowUpRules } from '../agency-rules.js';
import type { AppContext } from '../../context.js';
import { isDuplicateKey } from '../../db/duplicate-key.js';
import type { FollowUpDoc } from '../../db/models/followup.js';
import { AWAITING_STATES } from '../outcome/outcome.js';
import { answerToken, answerUrl } from '../send/compose.js';
import { statusRank } from '../send/message-status.js';
import { addressOn, templateFor } from './deliver.js';

/**
 * A WhatsApp session message refused because the 24-hour window had closed (63016): the rest of the
 * conversation cannot go as free text until the citizen writes again, so the approved "resume"
 * template brings the answer link instead. Once per refused message: the first callback to mark it
 * sends, a repeated callback finds it marked.
 */
export async function resumeOutsideWindow(ctx: AppContext, refusedSid: string): Promise<boolean> {
  const refused = await ctx.models.FollowUpMessage.findOneAndUpdate(
    { _id: refusedSid, resumedBy: null },
    { $set: { resumedBy: 'pending' } },
    { returnDocument: 'after' },
  ).lean();
  if (!refused) return false;
  const f = await ctx.models.FollowUp.findById(refused.followUpId).lean<FollowUpDoc>();
  if (!f || !(AWAITING_STATES as readonly string[]).includes(f.state)) return false;
  const rules = await agencyFollowUpRules(ctx, f.agency);
  const lang = f.requestedLanguage ? 'ar' : (f.language ?? 'ar');
  const template = templateFor(
    ctx,
    ctx.config.followUp.whatsappResumeTemplates,
    rules,
    lang,
    'resume',
    f.agency,
  );
  const contentVariables = JSON.stringify({ 1: f.ticketRef, 2: answerUrl(ctx, answerToken(ctx, f)) });
  const sent = await ctx.twilio.messages.create({
    to: addressOn('whatsapp', f.citizenPhone),
    from: ctx.config.twilio.whatsappFrom,
    contentSid: template.sid,
    contentVariables,
    statusCallback: `${ctx.config.publicBaseUrl}/sms/status`,
  });
  await ctx.models.FollowUpMessage.create({
    _id: sent.sid,
    followUpId: f._id.toString(),
    direction: 'outbound',
    kind: 'resume',
    channel: 'whatsapp',
    sid: sent.sid,
    body: `template ${template.sid} ${contentVariables}`,
    status: sent.status,
    statusRank: statusRank(sent.status),
  }).catch((err: unknown) => {
    if (!isDuplicateKey(err)) throw err;
  });
  await ctx.models.FollowUpMessage.updateOne({ _id: refusedSid }, { $set: { resumedBy: sent.sid } });
  ctx.log.info(
    { ticketRef: f.ticketRef, closure: f.closureNumber },
    'WhatsApp window closed; sent the answer link as a template',
  );
  return true;
}
