import { XMLParser } from 'fast-xml-parser';

/**
 * Reads a TwiML document into the verbs a caller would meet, in order, the way Twilio executes them.
 * Only what the sandbox phone needs to act on is kept; unknown verbs are listed so the page can say
 * what it does not simulate instead of silently skipping it.
 */

export interface Spoken {
  kind: 'say';
  text: string;
  voice: string | undefined;
  language: string | undefined;
}
export interface Played {
  kind: 'play';
  url: string;
}
export interface Paused {
  kind: 'pause';
  seconds: number;
}
export type Prompt = Spoken | Played | Paused;

export interface GatherVerb {
  kind: 'gather';
  action: string | undefined;
  numDigits: number | undefined;
  timeoutSeconds: number;
  finishOnKey: string;
  actionOnEmptyResult: boolean;
  prompts: Prompt[];
}
export interface RecordVerb {
  kind: 'record';
  action: string | undefined;
  maxLengthSeconds: number;
  finishOnKey: string;
  recordingStatusCallback: string | undefined;
}
export interface DialVerb {
  kind: 'dial';
  action: string | undefined;
  target: string;
  timeoutSeconds: number;
}
export interface RedirectVerb {
  kind: 'redirect';
  url: string;
}
export interface HangupVerb {
  kind: 'hangup';
}
export interface UnknownVerb {
  kind: 'unknown';
  name: string;
}
export type Verb = Prompt | GatherVerb | RecordVerb | DialVerb | RedirectVerb | HangupVerb | UnknownVerb;

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ':@');
}

function childrenOf(node: OrderedNode, tag: string): OrderedNode[] {
  const value = node[tag];
  return Array.isArray(value) ? (value as OrderedNode[]) : [];
}

function textOf(node: OrderedNode, tag: string): string {
  return childrenOf(node, tag)
    .map((c) => (typeof c['#text'] === 'string' || typeof c['#text'] === 'number' ? String(c['#text']) : ''))
    .join('')
    .trim();
}

function intOr(value: string | undefined, fallback: number): number {
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) ? n : fallback;
}

function prompt(node: OrderedNode, tag: string): Prompt | undefined {
  const attrs = node[':@'] ?? {};
  if (tag === 'Say')
    return { kind: 'say', text: textOf(node, tag), voice: attrs.voice, language: attrs.language };
  if (tag === 'Play') return { kind: 'play', url: textOf(node, tag) };
  if (tag === 'Pause') return { kind: 'pause', seconds: intOr(attrs.length, 1) };
  return undefined;
}

function verb(node: OrderedNode): Verb | undefined {
  const tag = tagOf(node);
  if (tag === undefined || tag === '#text') return undefined;
  const attrs = node[':@'] ?? {};
  const spoken = prompt(node, tag);
  if (spoken) return spoken;
  switch (tag) {
    case 'Gather':
      return {
        kind: 'gather',
        action: attrs.action,
        numDigits: attrs.numDigits === undefined ? undefined : intOr(attrs.numDigits, 1),
        timeoutSeconds: intOr(attrs.timeout, 5),
        // Twilio's default is '#'; an empty attribute means no key finishes the input.
        finishOnKey: attrs.finishOnKey ?? '#',
        actionOnEmptyResult: attrs.actionOnEmptyResult === 'true',
        prompts: childrenOf(node, tag)
          .map((child) => {
            const t = tagOf(child);
            return t ? prompt(child, t) : undefined;
          })
          .filter((p): p is Prompt => p !== undefined),
      };
    case 'Record':
      return {
        kind: 'record',
        action: attrs.action,
        maxLengthSeconds: intOr(attrs.maxLength, 3600),
        finishOnKey: attrs.finishOnKey ?? '1234567890*#',
        recordingStatusCallback: attrs.recordingStatusCallback,
      };
    case 'Dial': {
      const inner = childrenOf(node, tag)
        .map((child) => {
          const t = tagOf(child);
          return t && t !== '#text' ? textOf(child, t) : '';
        })
        .find((s) => s !== '');
      return {
        kind: 'dial',
        action: attrs.action,
        target: inner ?? textOf(node, tag),
        timeoutSeconds: intOr(attrs.timeout, 30),
      };
    }
    case 'Redirect':
      return { kind: 'redirect', url: textOf(node, tag) };
    case 'Hangup':
    case 'Reject':
      return { kind: 'hangup' };
    default:
      return { kind: 'unknown', name: tag };
  }
}

/** The verbs of a `<Response>`; a document that is not TwiML reads as one unknown verb. */
export function readTwiml(xml: string): Verb[] {
  let doc: OrderedNode[];
  try {
    doc = parser.parse(xml) as OrderedNode[];
  } catch {
    return [{ kind: 'unknown', name: 'not TwiML' }];
  }
  const response = doc.find((n) => tagOf(n) === 'Response');
  if (!response) return [{ kind: 'unknown', name: 'not TwiML' }];
  return childrenOf(response, 'Response')
    .map(verb)
    .filter((v): v is Verb => v !== undefined);
}
