import twilio from 'twilio';

/**
 * POSTs a form-encoded webhook signed exactly as Twilio signs it (full URL + sorted parameters), so
 * our own signature middleware checks sandbox traffic the same way it checks Twilio's.
 */
export async function postSignedWebhook(
  url: string,
  params: Record<string, string>,
  authToken: string,
  opts: { signal?: AbortSignal; deliverTo?: string } = {},
): Promise<Response> {
  const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
  // Signed over the public URL; sent to `deliverTo` when the public address is not this machine's.
  return fetch(opts.deliverTo ?? url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params).toString(),
    signal: opts.signal ?? AbortSignal.timeout(15_000),
  });
}
