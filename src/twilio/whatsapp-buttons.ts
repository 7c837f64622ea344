/**
 * The ids of the quick-reply buttons of the follow-up template: part of the template submitted for
 * approval (docs/followup.md, "WhatsApp"), and what a tap posts back as ButtonPayload.
 */
export const FOLLOW_UP_BUTTONS = { solved: 'solved', notSolved: 'not_solved' } as const;
