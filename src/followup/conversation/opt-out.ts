import type { AppContext } from '../../context.js';

/** Where an opt-out (or opt-in) came from: a keyword, Twilio's OptOutType, or error 21610. */
export type OptOutSource = 'keyword' | 'twilio' | 'twilio-21610';

export async function isOptedOut(ctx: AppContext, phone: string): Promise<boolean> {
  return (await ctx.models.OptOut.findById(phone).lean())?.optedOut === true;
}

/**
 * Records a number's choice in one upsert keyed by the number. Returns whether the number was opted
 * out before, so a confirmation goes out only once.
 */
export async function setOptOut(
  ctx: AppContext,
  phone: string,
  optedOut: boolean,
  source: OptOutSource,
): Promise<{ wasOptedOut: boolean }> {
  const before = await ctx.models.OptOut.findOneAndUpdate(
    { _id: phone },
    { $set: { phone, optedOut, source, changedAt: new Date() } },
    { upsert: true },
  ).lean();
  return { wasOptedOut: before?.optedOut === true };
}
