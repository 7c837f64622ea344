import express, { type RequestHandler, type Router } from 'express';
import { z } from 'zod';

/**
 * Fault injection for the Twilio stand-in (sandbox only; live mode has no stand-in to mount it on):
 * the next N message creations answer the way Twilio does when it is overloaded or failing, so the
 * fault suite can prove that sends survive them. The error bodies are Twilio's own shape.
 *
 * - `rate_limited`: HTTP 429 with code 20429 ("Too Many Requests"), as Twilio answers over its rate.
 * - `server_error`: HTTP 500 with code 20500 ("Internal Server Error").
 * - `timeout`: the request is held for `delayMs` and then dropped unanswered; no message is created.
 *   The client's own timeout (TWILIO_TIMEOUT_MS) fires first.
 * - `lost_response`: the message *is* created (and delivered), but the connection is cut before the
 *   answer: the sender cannot tell this from a timeout, and must not send the message again.
 */
export const FAULT_KINDS = ['rate_limited', 'server_error', 'timeout', 'lost_response'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const faultPlanSchema = z.object({
  kind: z.enum(FAULT_KINDS),
  /** How many matching requests get the fault; afterwards they are served normally. */
  count: z.number().int().min(1).max(100_000),
  /** Only requests whose `To` starts with this (e.g. one test's number range); default: all. */
  toPrefix: z.string().max(40).optional(),
  /** How long a `timeout` holds the request before dropping it. */
  delayMs: z.number().int().min(0).max(120_000).default(30_000),
});
export type FaultPlan = z.infer<typeof faultPlanSchema>;

const TWILIO_ERRORS = {
  rate_limited: { status: 429, code: 20429, message: 'Too Many Requests' },
  server_error: { status: 500, code: 20500, message: 'Internal Server Error' },
} as const;

interface ActivePlan extends FaultPlan {
  remaining: number;
}

export class SandboxFaults {
  private plans: ActivePlan[] = [];
  private readonly served: Record<FaultKind, number> = {
    rate_limited: 0,
    server_error: 0,
    timeout: 0,
    lost_response: 0,
  };

  inject(plan: z.input<typeof faultPlanSchema>): void {
    const parsed = faultPlanSchema.parse(plan);
    this.plans.push({ ...parsed, remaining: parsed.count });
  }

  clear(): void {
    this.plans = [];
  }

  /** Faults planned but not yet served, and how many of each kind were served so far. */
  status(): { pending: number; served: Record<FaultKind, number> } {
    return { pending: this.plans.reduce((n, p) => n + p.remaining, 0), served: { ...this.served } };
  }

  /** Takes one fault for a message to `to`, if any plan matches. */
  private take(to: string): ActivePlan | undefined {
    const plan = this.plans.find((p) => p.remaining > 0 && (!p.toPrefix || to.startsWith(p.toPrefix)));
    if (!plan) return undefined;
    plan.remaining -= 1;
    this.served[plan.kind] += 1;
    this.plans = this.plans.filter((p) => p.remaining > 0);
    return plan;
  }

  /** Runs before the stand-in's message creation (needs the parsed form body). */
  beforeCreate(): RequestHandler {
    return (req, res, next) => {
      const body: unknown = req.body;
      const to = typeof body === 'object' && body !== null && 'To' in body ? String(body.To) : '';
      const plan = this.take(to);
      if (!plan) return next();
      if (plan.kind === 'rate_limited' || plan.kind === 'server_error') {
        const e = TWILIO_ERRORS[plan.kind];
        res.status(e.status).json({
          code: e.code,
          message: e.message,
          more_info: `https://www.twilio.com/docs/errors/${e.code}`,
          status: e.status,
        });
        return;
      }
      if (plan.kind === 'timeout') {
        const timer = setTimeout(() => req.socket.destroy(), plan.delayMs);
        // The client gave up first: nothing is left to answer.
        req.socket.once('close', () => clearTimeout(timer));
        return;
      }
      // lost_response: let the stand-in create the message, then cut the line instead of answering.
      res.json = () => {
        req.socket.destroy();
        return res;
      };
      next();
    };
  }

  /** `GET|POST|DELETE /__twilio/faults`, behind the stand-in's own account authentication. */
  controlRouter(): Router {
    const router = express.Router();
    router.use(express.json({ limit: '4kb' }));
    router.get('/', (_req, res) => {
      res.json(this.status());
    });
    router.post('/', (req, res) => {
      const parsed = faultPlanSchema.safeParse(req.body);
      if (!parsed.success) {
        res.status(400).json({ code: 21602, message: parsed.error.message, status: 400 });
        return;
      }
      this.inject(parsed.data);
      res.status(201).json(this.status());
    });
    router.delete('/', (_req, res) => {
      this.clear();
      res.json(this.status());
    });
    return router;
  }
}
