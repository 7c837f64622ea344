import type { Models } from '../db/models/index.js';
import type { SubscriptionKind } from '../db/models/mail.js';
import type { Language } from '../i18n/languages.js';
import type { MailScope } from './outbox.js';

export interface Recipient {
  userId: string;
  email: string;
  lang: Language;
  /** The subscription that matched: its id signs the unsubscribe link. */
  subscriptionId: string;
  /** Dispute alerts: the user's gathering window in minutes, when they set one. */
  gatherMinutes?: number;
}

/**
 * The users who asked for `kind` about something in `about`: a subscription matches when each field
 * it sets equals the one in `about` (an agency-wide subscription covers every department and agent in
 * it; an empty one covers everything). Disabled users and users without an address receive nothing.
 * Whether the user may see that scope is checked when the subscription is saved, and again here
 * against the user's current scope, so a narrowed grant stops the mail at once.
 */
export async function recipientsFor(
  models: Models,
  kind: SubscriptionKind,
  about: MailScope,
): Promise<Recipient[]> {
  const orEmpty = (field: keyof MailScope) => [
    { [field]: { $exists: false } },
    { [field]: null },
    ...(about[field] ? [{ [field]: about[field] }] : []),
  ];
  const subs = await models.Subscription.find({
    kind,
    $and: [{ $or: orEmpty('agency') }, { $or: orEmpty('department') }, { $or: orEmpty('agentId') }],
  }).lean();
  if (subs.length === 0) return [];
  const users = await models.User.find({
    _id: { $in: [...new Set(subs.map((s) => s.userId))] },
    disabledAt: { $exists: false },
  }).lean();
  const byId = new Map(users.map((u) => [String(u._id), u]));
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const s of subs) {
    const user = byId.get(s.userId);
    if (!user?.email || seen.has(s.userId)) continue;
    const scope = user.scope ?? {};
    if (scope.agency && scope.agency !== about.agency) continue;
    if (scope.department && scope.department !== about.department) continue;
    seen.add(s.userId);
    out.push({
      userId: s.userId,
      email: user.email,
      lang: user.language === 'en' ? 'en' : 'ar',
      subscriptionId: String(s._id),
      ...(s.gatherMinutes !== undefined && s.gatherMinutes !== null
        ? { gatherMinutes: s.gatherMinutes }
        : {}),
    });
  }
  return out;
}
