import { DelayedError, type Job } from 'bullmq';
import { agencyFollowUpRules } from '../agency-rules.js';
import type { AppContext } from '../../context.js';
import type { FollowUpJob } from '../queue.js';
import { isInsideWindow, nextSendTime, type SendWindow } from '../schedule/send-window.js';
import { sendWindowFromConfig } from '../schedule/window-config.js';

/** The agency's window (directory overrides, a minute's cache), or the configured one. */
export async function windowFor(ctx: AppContext, agency: string | undefined): Promise<SendWindow> {
  return agency ? (await agencyFollowUpRules(ctx, agency)).window : sendWindowFromConfig(ctx.config);
}

/** Outside the window (a backlog, a retry at night): wait for the window without using an attempt. */
export async function deferToWindow(ctx: AppContext, job: Job, token: string | undefined): Promise<void> {
  const window = await windowFor(ctx, (job.data as FollowUpJob).agency);
  const now = new Date();
  if (isInsideWindow(now, window)) return;
  if (!token) throw new Error('cannot defer a job without its lock token');
  await job.moveToDelayed(nextSendTime(now, window).getTime(), token);
  throw new DelayedError();
}
