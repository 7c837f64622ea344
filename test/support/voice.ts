import { XMLParser } from 'fast-xml-parser';
import { sayProblem } from '../../src/twilio/stand-in/say-voices.js';
import { readTwiml, type Played, type Spoken } from '../../src/twilio/stand-in/twiml-reader.js';
import type { TestSystem } from './system.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['Say', 'Play'].includes(name),
  textNodeName: 'text',
});

export interface Said {
  text: string;
  voice: string;
  language: string;
}

export interface TwimlView {
  status: number;
  xml: string;
  says: Said[];
  gather?: {
    action: string;
    numDigits: string;
    timeout: string;
    finishOnKey: string;
    actionOnEmptyResult: string;
  };
  record?: { action: string; maxLength: string; finishOnKey: string; recordingStatusCallback: string };
  dial?: { action: string; target: string };
  hangup: boolean;
  /** Every <Say> and <Play> in the order a caller hears them, inside the <Gather> or not. */
  prompts: (Spoken | Played)[];
  /** What Twilio would refuse to say (the stand-in's check): a voice it lacks, or one given another language. */
  sayProblems: string[];
}

type Node = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
function says(node: Node | undefined): Said[] {
  const list = (node?.Say as Node[] | undefined) ?? [];
  return list.map((s) => ({ text: str(s.text), voice: str(s.voice), language: str(s.language) }));
}

export function viewTwiml(status: number, xml: string): TwimlView {
  const doc = parser.parse(xml) as { Response?: Node };
  const r = doc.Response ?? {};
  const gather = r.Gather as Node | undefined;
  const dial = r.Dial as Node | undefined;
  return {
    status,
    xml,
    says: [...says(gather), ...says(r)],
    ...(gather ? { gather: gather as unknown as TwimlView['gather'] } : {}),
    ...(r.Record ? { record: r.Record as unknown as TwimlView['record'] } : {}),
    ...(dial ? { dial: { action: str(dial.action), target: str(dial.Sip) || str(dial.Number) } } : {}),
    hangup: 'Hangup' in r,
    ...heardIn(xml),
  };
}

function heardIn(xml: string): Pick<TwimlView, 'prompts' | 'sayProblems'> {
  const prompts = readTwiml(xml)
    .flatMap((v) => (v.kind === 'gather' ? v.prompts : [v]))
    .filter((p): p is Spoken | Played => p.kind === 'say' || p.kind === 'play');
  const sayProblems = prompts.flatMap((p) => {
    const problem = p.kind === 'say' ? sayProblem(p.voice, p.language) : undefined;
    return problem ? [problem] : [];
  });
  return { prompts, sayProblems };
}

let n = 0;
export function newCallSid(): string {
  n += 1;
  return `CA${Date.now().toString(16).padStart(16, '0')}${n.toString(16).padStart(16, '0')}`;
}

/** A call as Twilio drives it: signed form POSTs to the URLs the app's own TwiML names. */
export class Call {
  readonly sid = newCallSid();
  constructor(private readonly sys: TestSystem) {}

  async post(pathAndQuery: string, params: Record<string, string> = {}): Promise<TwimlView> {
    const res = await this.sys.postTwilio(pathAndQuery, {
      CallSid: this.sid,
      AccountSid: this.sys.ctx.config.twilio.accountSid,
      From: '+966501234567',
      To: '+966920000000',
      CallStatus: 'in-progress',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
      ...params,
    });
    return viewTwiml(res.status, await res.text());
  }

  /** Presses keys at the Gather the last TwiML offered ('' is silence). */
  press(view: TwimlView, digits: string): Promise<TwimlView> {
    if (!view.gather) throw new Error(`no <Gather> to answer in ${view.xml}`);
    return this.post(
      view.gather.action,
      digits === '' ? { Digits: '' } : { Digits: digits, FinishedOnKey: '' },
    );
  }

  hangUp(durationSec = 30): Promise<TwimlView> {
    return this.post('/voice/status', { CallStatus: 'completed', CallDuration: String(durationSec) });
  }
}
