import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { readTwiml } from '../../src/twilio/stand-in/twiml-reader.js';

describe('readTwiml', () => {
  it('reads verbs in order, with the attributes a caller meets and Twilio defaults', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.say({ voice: 'Polly.Zeina', language: 'arb' }, 'مرحبا');
    const g = r.gather({
      numDigits: 1,
      timeout: 4,
      action: '/voice/step?f=x&s=y',
      actionOnEmptyResult: true,
    });
    g.say('press 1');
    g.play('https://cdn.example/prompt.mp3');
    r.record({ maxLength: 30, action: '/voice/step', recordingStatusCallback: '/voice/recording?a=1' });
    r.dial({ action: '/voice/dial-done?agent=a' }).sip('sip:agents@pbx.invalid');
    r.redirect('/voice/rating');
    r.pause({ length: 2 });
    r.hangup();
    const verbs = readTwiml(r.toString());
    expect(verbs.map((v) => v.kind)).toEqual([
      'say',
      'gather',
      'record',
      'dial',
      'redirect',
      'pause',
      'hangup',
    ]);
    expect(verbs[0]).toEqual({ kind: 'say', text: 'مرحبا', voice: 'Polly.Zeina', language: 'arb' });
    expect(verbs[1]).toMatchObject({
      kind: 'gather',
      action: '/voice/step?f=x&s=y',
      numDigits: 1,
      timeoutSeconds: 4,
      finishOnKey: '#',
      actionOnEmptyResult: true,
      prompts: [
        { kind: 'say', text: 'press 1' },
        { kind: 'play', url: 'https://cdn.example/prompt.mp3' },
      ],
    });
    expect(verbs[2]).toMatchObject({
      kind: 'record',
      maxLengthSeconds: 30,
      recordingStatusCallback: '/voice/recording?a=1',
    });
    expect(verbs[3]).toMatchObject({
      kind: 'dial',
      action: '/voice/dial-done?agent=a',
      target: 'sip:agents@pbx.invalid',
    });
    expect(verbs[4]).toEqual({ kind: 'redirect', url: '/voice/rating' });
    expect(verbs[5]).toEqual({ kind: 'pause', seconds: 2 });
  });

  it('keeps an empty finishOnKey, names verbs it does not simulate, and survives what is not TwiML', () => {
    const r = new twilio.twiml.VoiceResponse();
    r.gather({ finishOnKey: '' });
    r.enqueue('support');
    const [gather, unknown] = readTwiml(r.toString());
    expect(gather).toMatchObject({
      kind: 'gather',
      finishOnKey: '',
      numDigits: undefined,
      actionOnEmptyResult: false,
    });
    expect(unknown).toEqual({ kind: 'unknown', name: 'Enqueue' });
    expect(readTwiml('<html>oops</html>')).toEqual([{ kind: 'unknown', name: 'not TwiML' }]);
    expect(readTwiml('Invalid Twilio signature')).toEqual([{ kind: 'unknown', name: 'not TwiML' }]);
  });
});
