import twilio from 'twilio';
import { describe, expect, it } from 'vitest';

// Twilio's published vector (REFERENCE.md): if this fails, the SDK changed how it signs.
describe('Twilio signature algorithm', () => {
  it('matches the documented test vector, query string included', () => {
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
      To: '+18005551212',
    };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilio.getExpectedTwilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(twilio.validateRequest('12345', '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params)).toBe(true);
    expect(
      twilio.validateRequest(
        '12345',
        '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
        'https://mycompany.com/myapp.php?foo=1',
        params,
      ),
    ).toBe(false);
  });
});
