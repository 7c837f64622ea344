import { z } from 'zod';

/**
 * What the API reference says of one route, next to the route and built from the very zod schemas
 * the route validates with: the OpenAPI document (document.ts) is generated from these, so a field
 * the route accepts and the document omits cannot happen by editing one of them.
 */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** How a route is authenticated: an API token (`Authorization: Bearer`), a signed-in session, or nothing. */
export type RouteSecurity = 'apiToken' | 'apiTokenOrSession' | 'none';

export interface RequestBodyDoc {
  contentType: string;
  schema: z.ZodType;
  /** Validated by the schema in a test, and sent to the live route, which must accept it. */
  example?: unknown;
}

export interface ResponseDoc {
  description: string;
  contentType?: string;
  schema?: z.ZodType;
  example?: unknown;
}

export interface ApiRouteDoc {
  method: HttpMethod;
  /** The path as the express router declares it (`/api/tickets/:ref`). */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  security: RouteSecurity;
  /** Roles allowed, for the reader; the route's own guard is what enforces them. */
  roles?: readonly string[];
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: RequestBodyDoc;
  /** Example values for the path parameters, used with the body example in the agreement test. */
  paramsExample?: Record<string, string>;
  queryExample?: Record<string, string>;
  responses: Readonly<Record<number, ResponseDoc>>;
}

/** The error body every route answers a refusal with (http/errors.ts `sendError`). */
export const errorBodySchema = z
  .object({
    error: z.string().describe('a stable machine code: validation_failed, unauthorized, not_found, …'),
    message: z.string().describe('what is wrong, in English, naming the field or value'),
    details: z
      .object({
        fields: z
          .array(z.object({ field: z.string(), message: z.string(), messageAr: z.string().optional() }))
          .optional(),
      })
      .loose()
      .optional(),
  })
  .describe('A refusal');

/** The refusals most routes share, so each route lists only what is its own. */
export const COMMON_REFUSALS = {
  401: { description: 'No or unknown credentials', schema: errorBodySchema },
  403: { description: 'Credentials without the role or scope this route needs', schema: errorBodySchema },
} as const satisfies Record<number, ResponseDoc>;

export function refusal(description: string): ResponseDoc {
  return { description, schema: errorBodySchema };
}
