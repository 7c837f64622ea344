/**
 * The Content SIDs of the WhatsApp templates the sandbox stand-in treats as approved
 * (content-templates.ts holds their text and buttons). They are the configuration's defaults, so
 * `npm start` sends WhatsApp without any set-up; a live deployment sets its own approved ones.
 */
export const SANDBOX_TEMPLATES = {
  followUp: { ar: 'HX00000000000000000000000000000a01', en: 'HX00000000000000000000000000000e01' },
  resume: { ar: 'HX00000000000000000000000000000a02', en: 'HX00000000000000000000000000000e02' },
} as const;
