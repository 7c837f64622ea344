/**
 * The content security policy of every HTML page (the answer page, sign-in, dashboard, public board):
 * none of them runs a script, so the policy allows none, and keeps the pages out of frames.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
