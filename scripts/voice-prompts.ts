/**
 * Regenerates the recorded prompts of the languages Twilio has no `<Say>` voice for (Urdu, Nepali:
 * RECORDED_LANGUAGES in src/i18n/voice.ts) into voice-flows/prompts/<lang>/, from the texts of
 * src/i18n/voice.ts. They are synthesized with espeak-ng, offline, as placeholders until a native
 * speaker records them (docs/voice.md): 8 kHz mono μ-law WAV, what a phone line carries.
 *
 *   apt-get install espeak-ng sox
 *   node --import tsx scripts/voice-prompts.ts [lang…]
 *
 * A file that is not in a language's script any more is removed, so the folder holds what the
 * flows play and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CitizenLanguage } from '../src/i18n/languages.js';
import { RECORDED_LANGUAGES } from '../src/i18n/voice.js';
import { PROMPTS_DIR, recordingScript } from '../src/voice/recorded.js';

// espeak-ng's voice per language, and a slower rate than its default: menus are heard once, on a phone.
const ESPEAK_VOICE: Partial<Record<CitizenLanguage, string>> = { ur: 'ur', ne: 'ne' };
const WORDS_PER_MINUTE = '140';

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(
      `${cmd} ${args.slice(0, 3).join(' ')}… failed (is it installed? apt-get install espeak-ng sox)`,
      {
        cause: err,
      },
    );
  }
}

const wanted = process.argv.slice(2);
const langs = wanted.length > 0 ? RECORDED_LANGUAGES.filter((l) => wanted.includes(l)) : RECORDED_LANGUAGES;
const scratch = mkdtempSync(join(tmpdir(), 'voice-prompts-'));
try {
  for (const lang of langs) {
    const voice = ESPEAK_VOICE[lang];
    if (!voice) throw new Error(`no espeak-ng voice named for "${lang}" in scripts/voice-prompts.ts`);
    const dir = fileURLToPath(new URL(`${lang}/`, PROMPTS_DIR));
    mkdirSync(dir, { recursive: true });
    const script = recordingScript(lang);
    for (const { file, text } of script) {
      const raw = join(scratch, `${lang}-${file}`);
      run('espeak-ng', ['-v', voice, '-s', WORDS_PER_MINUTE, '-w', raw, text]);
      run('sox', [raw, '-r', '8000', '-c', '1', '-e', 'u-law', join(dir, file)]);
    }
    const keep = new Set(script.map((s) => s.file));
    for (const old of readdirSync(dir)) if (!keep.has(old)) rmSync(join(dir, old));
    console.log(`${lang}: ${script.length} files in ${dir}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
