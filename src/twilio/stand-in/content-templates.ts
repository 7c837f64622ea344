import { FOLLOW_UP_BUTTONS } from '../whatsapp-buttons.js';
import { SANDBOX_TEMPLATES } from '../../config/twilio.js';

/**
 * The WhatsApp templates the stand-in treats as approved, as Twilio's Content API would hold them
 * (`twilio/quick-reply` with numbered variables). The same texts and button ids are what a live
 * deployment submits for approval (docs/followup.md, "WhatsApp"); the button id comes back as ButtonPayload.
 */
export interface ContentTemplate {
  sid: string;
  friendlyName: string;
  language: 'ar' | 'en';
  /** Body with Twilio's {{1}}, {{2}}… placeholders. */
  body: string;
  buttons: { id: string; title: string }[];
}

const templates: ContentTemplate[] = [
  {
    sid: SANDBOX_TEMPLATES.followUp.ar,
    friendlyName: 'verisat_followup_ar',
    language: 'ar',
    body: '{{1}}: هل حُلّت مشكلتك في البلاغ {{2}} فعلاً؟ اختر أدناه، أو أجب من الرابط: {{3}}',
    buttons: [
      { id: FOLLOW_UP_BUTTONS.solved, title: 'نعم، حُلّت' },
      { id: FOLLOW_UP_BUTTONS.notSolved, title: 'لا، لم تُحل' },
    ],
  },
  {
    sid: SANDBOX_TEMPLATES.followUp.en,
    friendlyName: 'verisat_followup_en',
    language: 'en',
    body: '{{1}}: was the problem in your ticket {{2}} actually solved? Choose below, or answer at {{3}}',
    buttons: [
      { id: FOLLOW_UP_BUTTONS.solved, title: 'Yes, solved' },
      { id: FOLLOW_UP_BUTTONS.notSolved, title: 'No, not solved' },
    ],
  },
  {
    sid: SANDBOX_TEMPLATES.resume.ar,
    friendlyName: 'verisat_resume_ar',
    language: 'ar',
    body: 'لإكمال إجابتك عن البلاغ {{1}} افتح الرابط: {{2}}',
    buttons: [],
  },
  {
    sid: SANDBOX_TEMPLATES.resume.en,
    friendlyName: 'verisat_resume_en',
    language: 'en',
    body: 'To finish your answer about ticket {{1}}, open: {{2}}',
    buttons: [],
  },
];

export const CONTENT_TEMPLATES: ReadonlyMap<string, ContentTemplate> = new Map(
  templates.map((t) => [t.sid, t]),
);

/** The body as the citizen sees it; a variable the template uses but the request lacks stays as is. */
export function renderTemplate(t: ContentTemplate, variables: Record<string, string>): string {
  return t.body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => variables[n] ?? whole);
}
