import twilio from 'twilio';
import type { Config } from '../config/index.js';

export type TwilioClient = twilio.Twilio;

/** Local path prefix of the stand-in for each Twilio host the project uses. */
const SANDBOX_HOST_PREFIX: Record<string, string> = {
  'api.twilio.com': '/__twilio/api',
  'messaging.twilio.com': '/__twilio/messaging',
};

// Why: docs/decisions/0017-sandbox-behind-the-sdk-seam.md
/**
 * The SDK has no base-URL option; its supported seam is the `httpClient`. This client keeps the
 * production code path (same SDK calls, same JSON) and only changes where the request goes.
 */
export class SandboxRequestClient extends twilio.RequestClient {
  constructor(
    private readonly origin: string,
    timeoutMs = 30_000,
  ) {
    super({ keepAlive: true, timeout: timeoutMs });
  }

  override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0] & { data?: TData }) {
    const original = new URL(opts.uri);
    const prefix = SANDBOX_HOST_PREFIX[original.host];
    if (prefix === undefined) {
      return Promise.reject(
        new Error(
          `Twilio sandbox has no stand-in for ${original.host}${original.pathname}; add it to SANDBOX_HOST_PREFIX`,
        ),
      );
    }
    const uri = `${this.origin}${prefix}${original.pathname}${original.search}`;
    return super.request<TData>({ ...opts, uri });
  }
}

export function createTwilioClient(config: Config): TwilioClient {
  const { mode, accountSid, authToken, sandboxApiUrl, timeoutMs } = config.twilio;
  if (mode === 'live') return twilio(accountSid, authToken, { autoRetry: false, timeout: timeoutMs });
  return twilio(accountSid, authToken, { httpClient: new SandboxRequestClient(sandboxApiUrl, timeoutMs) });
}
