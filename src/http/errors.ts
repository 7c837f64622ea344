import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { z, type ZodError } from 'zod';
import type { Logger } from '../log.js';
import { loggedPath } from './request-log.js';
import { isBackendUnavailable } from './unavailable.js';

/** An error whose message is safe to show the caller; anything else becomes a generic 500. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** zod's own Arabic messages, so a person reading Arabic is told what is wrong in Arabic. */
const arabic = z.locales.ar();

/** The value an issue's path names inside the input, or undefined. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/**
 * `input` is what was parsed: zod drops it from its issues, and its Arabic messages, written after
 * the parse, would otherwise say "received undefined" where the English one names what came.
 */
export function validationError(
  err: ZodError,
  where: 'body' | 'query' | 'params',
  status = 422,
  input?: unknown,
): HttpError {
  const fields = err.issues.map((issue) => ({
    field: issue.path.join('.') || where,
    message: issue.message,
    // A message of our own (a refinement's, in English) keeps its English beside zod's Arabic.
    messageAr:
      arabic.localeError({
        ...issue,
        input: 'input' in issue && issue.input !== undefined ? issue.input : valueAt(input, issue.path),
      } as Parameters<typeof arabic.localeError>[0]) ?? issue.message,
  }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  return new HttpError(status, 'validation_failed', `Invalid ${where}: ${summary}`, { fields });
}

export function sendError(res: Response, err: HttpError): void {
  res.status(err.status).json({
    error: err.code,
    message: err.message,
    ...(err.details !== undefined ? { details: err.details } : {}),
  });
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`));
};

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpError) return sendError(res, err);
    // A path with malformed percent-encoding (/api/tickets/%ZZ) cannot name anything: the caller's.
    if (err instanceof URIError)
      return sendError(
        res,
        new HttpError(400, 'bad_request', 'Malformed percent-encoding in the request path'),
      );
    // body-parser's errors carry a 4xx status: malformed JSON, a body too large, or one whose
    // Content-Encoding says gzip or deflate but is not (zlib's error, which has no `type`).
    if (typeof err === 'object' && err !== null && 'status' in err) {
      const status = Number(err.status);
      const type = 'type' in err ? String((err as { type: unknown }).type) : undefined;
      if (status >= 400 && status < 500) {
        const message =
          type === 'entity.parse.failed'
            ? 'Request body is not valid JSON'
            : type === undefined
              ? 'Request body could not be read (is its Content-Encoding right?)'
              : `Bad request body (${type})`;
        return sendError(
          res,
          new HttpError(status, type === 'entity.too.large' ? 'payload_too_large' : 'bad_request', message),
        );
      }
    }
    if (isBackendUnavailable(err)) {
      log.warn({ err, method: req.method, path: loggedPath(req.originalUrl) }, 'backend unavailable');
      res.setHeader('Retry-After', '5');
      return sendError(
        res,
        new HttpError(503, 'unavailable', 'A backing service is unavailable; retry shortly'),
      );
    }
    log.error({ err, method: req.method, path: loggedPath(req.originalUrl) }, 'request failed');
    sendError(res, new HttpError(500, 'internal_error', 'Internal error; it has been logged'));
  };
}
