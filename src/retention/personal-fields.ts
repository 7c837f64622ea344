/**
 * Where citizens' personal data lives, and which retention period each field falls under. The purge
 * (purge.ts) and the erasure (erase.ts) both work from this list, so a field added here is covered by
 * both; test/retention/purge.test.ts searches every collection for planted personal data, so a field
 * missing here fails that test.
 *
 * Kept on purpose, beyond every period: `opt_outs` (the number of a citizen who said STOP is what
 * keeps them from being messaged again: honouring the objection needs it) and staff data (users,
 * agents' dial targets, the audit log's addresses), which is not citizens' and has its own rules.
 * The answers and outcomes hash chains (chain_entries) hold no number, no free text and no device or
 * network hash (audit-chain/seal.ts), so an append-only chain never has to forget anything.
 */

export type Period = 'phone' | 'recording' | 'comment';

export interface PersonalFields {
  /** The model's name in Models. */
  model:
    | 'Ticket'
    | 'TicketEvent'
    | 'FollowUp'
    | 'FollowUpMessage'
    | 'VerifiedScore'
    | 'Call'
    | 'PostCallRating'
    | 'Contact'
    | 'AnswerOrigin';
  period: Period;
  /** The date the age is measured from (indexed for the purge). */
  since: string;
  /** Fields removed ($unset), or the whole document when it is nothing but personal data. */
  unset: string[] | 'document';
  /** Fields that identify the citizen, for erasure by number. */
  phoneFields?: string[];
  /** Fields holding the keyed hash of the number (src/followup/conversation/origin.ts), for erasure by number. */
  phoneHashFields?: string[];
}

export const PERSONAL_FIELDS: readonly PersonalFields[] = [
  {
    model: 'Ticket',
    period: 'phone',
    since: 'updatedAt',
    unset: ['citizenPhone', 'events.$[].citizenPhone'],
    phoneFields: ['citizenPhone'],
  },
  {
    model: 'TicketEvent',
    period: 'phone',
    since: 'receivedAt',
    unset: ['citizenPhone'],
    phoneFields: ['citizenPhone'],
  },
  {
    model: 'FollowUp',
    period: 'phone',
    since: 'closedAt',
    unset: ['citizenPhone'],
    phoneFields: ['citizenPhone'],
  },
  { model: 'FollowUp', period: 'comment', since: 'closedAt', unset: ['comment'] },
  {
    model: 'VerifiedScore',
    period: 'phone',
    since: 'closedAt',
    unset: ['citizenPhone'],
    phoneFields: ['citizenPhone'],
  },
  { model: 'VerifiedScore', period: 'comment', since: 'closedAt', unset: ['comment'] },
  // The texts citizens sent (and the links they were sent): free text.
  { model: 'FollowUpMessage', period: 'comment', since: 'createdAt', unset: ['body'] },
  {
    model: 'Call',
    period: 'phone',
    since: 'createdAt',
    unset: ['from', 'to'],
    phoneFields: ['from', 'to'],
  },
  {
    model: 'PostCallRating',
    period: 'recording',
    since: 'createdAt',
    unset: ['recording.sid', 'recording.url'],
  },
  // One document per number (its _id), for contact fatigue only.
  { model: 'Contact', period: 'phone', since: 'lastContactAt', unset: 'document', phoneFields: ['_id'] },
  // The integrity signals' keyed hashes of the citizen, the device and the network: pseudonyms, which
  // the key turns back into a person (an IPv4 address can be found by trying them all), so they go
  // with the number. The rest (day, agency, channel, how soon) stays for the counts.
  {
    model: 'AnswerOrigin',
    period: 'phone',
    since: 'at',
    unset: ['citizenHash', 'deviceHash', 'networkHash'],
    phoneHashFields: ['citizenHash'],
  },
];
