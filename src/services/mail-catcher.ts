import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { EmbeddedService } from './embedded.js';

/**
 * An SMTP server inside our own process, for development and tests: where mail goes when SMTP_URL is
 * unset. It accepts any login or none, keeps the latest messages (bounded by count and bytes) in memory
 * for the sandbox's Mail tab and for tests, and sends nothing on. Tests make it refuse messages with a
 * chosen SMTP code (`refuse`) to play a mail server's outage: a 4xx is a temporary refusal, retried,
 * a 5xx a permanent one.
 */

export interface CaughtMail {
  /** Increases with each message received; stays the message's number while it is kept. */
  id: number;
  receivedAt: Date;
  /** The SMTP envelope: MAIL FROM and RCPT TO, as the sender gave them. */
  envelope: { from: string; to: string[] };
  /** The message as received (RFC 5322 source). */
  raw: Buffer;
}

export interface MailCatcherOptions {
  /** Most messages kept; the oldest go first (default 200). */
  maxMessages?: number;
  /** Most bytes kept over all messages; the oldest go first (default 64 MiB). */
  maxBytes?: number;
  /** A fixed port (default: a free one on 127.0.0.1). */
  port?: number;
  /** Start refusing every message with this reply (tests: a mail server that is down). */
  refuse?: Refusal;
}

export interface Refusal {
  /** An SMTP reply code: 4xx temporary (the sender retries), 5xx permanent. */
  code: number;
  message?: string;
  /** Refuse only this many messages, then accept again (default: until `accept()`). */
  times?: number;
}

class SmtpRefusal extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export class MailCatcher implements EmbeddedService {
  readonly name = 'SMTP catcher';
  readonly pid = undefined;
  private readonly server: SMTPServer;
  private readonly kept: CaughtMail[] = [];
  private keptBytes = 0;
  private nextId = 1;
  private refusal: Refusal | undefined;
  private refusedCount = 0;
  private address: string | undefined;
  private readonly maxMessages: number;
  private readonly maxBytes: number;

  constructor(private readonly opts: MailCatcherOptions = {}) {
    this.maxMessages = opts.maxMessages ?? 200;
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.refusal = opts.refuse;
    this.server = new SMTPServer({
      // Plain SMTP on loopback: no certificate to make, and any login (or none) is taken.
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      banner: 'verisat mail catcher',
      size: this.maxBytes,
      onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
      onMailFrom: (_address, _session, callback) => callback(this.refusalNow()),
      onData: (stream, session, callback) => this.receive(stream, session, callback),
    });
    this.server.on('error', () => {
      // A client that drops its connection is the client's problem; the catcher keeps listening.
    });
  }

  /** Listens on 127.0.0.1; resolves once it does. */
  async start(): Promise<this> {
    this.server.listen(this.opts.port ?? 0, '127.0.0.1');
    await once(this.server.server, 'listening');
    const { port } = this.server.server.address() as AddressInfo;
    this.address = `smtp://127.0.0.1:${port}`;
    return this;
  }

  /** smtp://127.0.0.1:PORT, what SMTP_URL would say. */
  get url(): string {
    if (!this.address) throw new Error('the mail catcher is not started');
    return this.address;
  }

  /** From now on, refuses each message with this reply (for tests: a mail server's outage). */
  refuse(refusal: Refusal): void {
    this.refusal = refusal;
    this.refusedCount = 0;
  }

  /** Accepts messages again. */
  accept(): void {
    this.refusal = undefined;
  }

  /** The messages kept, oldest first. */
  list(): CaughtMail[] {
    return [...this.kept];
  }

  get(id: number): CaughtMail | undefined {
    return this.kept.find((m) => m.id === id);
  }

  clear(): void {
    this.kept.length = 0;
    this.keptBytes = 0;
  }

  async stop(): Promise<void> {
    if (!this.address) return;
    this.address = undefined;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private refusalNow(): SmtpRefusal | null {
    const r = this.refusal;
    if (!r) return null;
    if (r.times !== undefined && this.refusedCount >= r.times) {
      this.refusal = undefined;
      return null;
    }
    this.refusedCount += 1;
    return new SmtpRefusal(r.code, r.message ?? `refused by the mail catcher (code ${r.code})`);
  }

  private receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      if (stream.sizeExceeded) {
        callback(new SmtpRefusal(552, `message larger than ${this.maxBytes} bytes`));
        return;
      }
      const raw = Buffer.concat(chunks);
      const mailFrom = session.envelope.mailFrom;
      this.kept.push({
        id: this.nextId++,
        receivedAt: new Date(),
        envelope: {
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        },
        raw,
      });
      this.keptBytes += raw.length;
      while (
        this.kept.length > this.maxMessages ||
        (this.keptBytes > this.maxBytes && this.kept.length > 1)
      ) {
        const dropped = this.kept.shift();
        this.keptBytes -= dropped?.raw.length ?? 0;
      }
      callback(null);
    });
    stream.on('error', (err: Error) => callback(err));
  }
}

/** Starts a catcher on a free loopback port. */
export async function startMailCatcher(opts: MailCatcherOptions = {}): Promise<MailCatcher> {
  return new MailCatcher(opts).start();
}
