import type { Principal } from '../../auth/api-tokens.js';
import { canReadReports } from '../../auth/roles.js';
import type { AppContext } from '../../context.js';
import type { AccountMail } from './pages.js';
import { ownSubscriptions, scopeChoices } from './subscriptions.js';

/** What the /account page shows about the signed-in person's mail. */
export async function accountMailView(
  ctx: AppContext,
  p: Principal,
  lang: 'ar' | 'en',
  form?: AccountMail['form'],
): Promise<AccountMail | undefined> {
  if (p.kind !== 'user') return undefined;
  const [user, subscriptions, choices] = await Promise.all([
    ctx.models.User.findById(p.id, { email: 1, language: 1 }).lean(),
    ownSubscriptions(ctx, p.id, lang),
    scopeChoices(ctx, p, lang),
  ]);
  return {
    email: user?.email ?? null,
    language: user?.language === 'en' ? 'en' : user?.language === 'ar' ? 'ar' : lang,
    subscriptions,
    choices,
    receives: canReadReports(p.role),
    ...(form ? { form } : {}),
  };
}
