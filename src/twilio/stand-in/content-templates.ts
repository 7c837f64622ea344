import { FOLLOW_UP_BUTTONS } from '../whatsapp-buttons.js';
import { SANDBOX_TEMPLATES } from '../../config/twilio.js';
import { whatsAppTemplateTexts } from '../../i18n/followup.js';
import { CITIZEN_LANGUAGES, type CitizenLanguage } from '../../i18n/languages.js';

/**
 * The WhatsApp templates the stand-in treats as approved, as Twilio's Content API would hold them
 * (`twilio/quick-reply` with numbered variables). The same texts and button ids are what a live
 * deployment submits for approval (docs/followup.md, "WhatsApp"); the button id comes back as ButtonPayload.
 * The texts are the citizen languages' own (i18n/followup.ts `whatsAppTemplateTexts`).
 */
export interface ContentTemplate {
  sid: string;
  friendlyName: string;
  language: CitizenLanguage;
  /** Body with Twilio's {{1}}, {{2}}… placeholders. */
  body: string;
  buttons: { id: string; title: string }[];
}

const templates: ContentTemplate[] = CITIZEN_LANGUAGES.flatMap((language) => {
  const t = whatsAppTemplateTexts[language];
  return [
    {
      sid: SANDBOX_TEMPLATES.followUp[language],
      friendlyName: `verisat_followup_${language}`,
      language,
      body: t.followUp,
      buttons: [
        { id: FOLLOW_UP_BUTTONS.solved, title: t.solved },
        { id: FOLLOW_UP_BUTTONS.notSolved, title: t.notSolved },
      ],
    },
    {
      sid: SANDBOX_TEMPLATES.resume[language],
      friendlyName: `verisat_resume_${language}`,
      language,
      body: t.resume,
      buttons: [],
    },
  ];
});

export const CONTENT_TEMPLATES: ReadonlyMap<string, ContentTemplate> = new Map(
  templates.map((t) => [t.sid, t]),
);

/** The body as the citizen sees it; a variable the template uses but the request lacks stays as is. */
export function renderTemplate(t: ContentTemplate, variables: Record<string, string>): string {
  return t.body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => variables[n] ?? whole);
}
