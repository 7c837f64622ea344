/**
 * The content security policy of every HTML page (the answer page, sign-in, dashboard, public board):
 * none of them runs a script, so the policy allows none, and keeps the pages out of frames. Kept as
 * directives so helmet (src/http/security-headers.ts) sends the same policy on every response.
 */
export const PAGE_CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'none'"],
  'style-src': ["'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  // Voice comments play from this origin only (GET /reports/voice/:id, authorised per request).
  'media-src': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
};

export const PAGE_CSP = Object.entries(PAGE_CSP_DIRECTIVES)
  .map(([name, values]) => `${name} ${values.join(' ')}`)
  .join('; ');

/**
 * The sandbox phone is the one page that runs a script: its own file from this origin (no inline
 * script, no nonce needed), talking only to this origin.
 */
export const PAGE_CSP_WITH_OWN_SCRIPT = `${PAGE_CSP}; script-src 'self'; connect-src 'self'`;
