import { z } from 'zod';

/**
 * What every area of the configuration is made of: its variables (a zod shape: each variable's
 * parsing, bounds and default, written once) and a build that turns their parsed values into the
 * part of `Config` the code reads. src/config/index.ts composes the areas; `Config` is inferred from
 * the builds, so a setting is written in its area and nowhere else.
 */
export interface Area<Shape extends z.ZodRawShape, Out> {
  variables: Shape;
  build(values: z.output<z.ZodObject<Shape>>, basis: Basis, report: Report): Out;
}

export function area<Shape extends z.ZodRawShape, Out>(
  variables: Shape,
  build: (values: z.output<z.ZodObject<Shape>>, basis: Basis, report: Report) => Out,
): Area<Shape, Out> {
  return { variables, build };
}

/** The few facts several areas depend on, derived once from the parsed variables (index.ts). */
export interface Basis {
  env: 'development' | 'test' | 'production';
  twilioMode: 'sandbox' | 'live';
  /**
   * Production, or live Twilio credentials: real citizens are reached, so values written in this
   * repository (development secrets, the stand-in's credentials) are refused.
   */
  exposed: boolean;
  host: string;
  port: number;
  /** The answer links' secret (the development one when unset); other keys are derived from it. */
  answerLinkSecret: string;
}

/** Names a problem that involves more than one variable's format; every problem is reported at once. */
export type Report = (variable: string, message: string) => void;

export const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const optionalUrl = z.url().optional();

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A string variable checked by a parser that throws with a readable message, so the configuration
 * and the code that reads the value later refuse the same things with the same words.
 */
export function checkedBy(parse: (value: string) => unknown) {
  return (value: string, ctx: z.RefinementCtx): void => {
    try {
      parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: messageOf(err) });
    }
  };
}
