import { z } from 'zod';

/**
 * Names people give (token names, user names) are shown on pages, in the audit log and in exports a
 * reader trusts. A newline forges a second log line, a bidi override (U+202E) shows `exe.txt` as
 * `txt.exe`, markup waits for the one reader that does not escape it, and a name like `development`
 * passes for the platform's own. So names are refused with any of these at creation, and anything
 * recorded that nobody validated (an attempted sign-in name) is escaped before it is stored.
 */

/** Names the platform uses for itself, or that read as "nobody", in any letter case or width. */
const RESERVED = new Set(['development', 'system', 'anonymous', 'cli', 'root', 'unknown']);

const MAX_NAME_LENGTH = 80;

/**
 * Controls, format characters (bidi overrides and isolates, zero-width characters), line and
 * paragraph separators, private-use and unassigned code points, lone surrogates, any space other
 * than U+0020, and markup characters.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}<>]|(?! )\p{Zs}/u;

export function isReservedName(name: string): boolean {
  return RESERVED.has(name.normalize('NFKC').trim().toLowerCase());
}

/**
 * Why a name may not be given, or undefined when it may. `platform`: the platform names something
 * of its own (the development token), so a reserved name is its to use.
 */
export function nameProblem(name: string, opts: { platform?: boolean } = {}): string | undefined {
  if (name.trim() === '') return 'must not be empty';
  if ([...name].length > MAX_NAME_LENGTH) return `at most ${MAX_NAME_LENGTH} characters`;
  if (UNSAFE.test(name))
    return 'must not contain control, invisible or direction-changing characters, or < >';
  if (!opts.platform && isReservedName(name))
    return `"${name.trim()}" is reserved for the platform; choose another name`;
  return undefined;
}

/** A token's name as the API and the command line accept it. */
export const tokenNameSchema = z
  .string()
  .transform((v) => v.normalize('NFC').trim())
  .superRefine((v, c) => {
    const problem = nameProblem(v);
    if (problem) c.addIssue({ code: 'custom', message: problem });
  });

/**
 * A name nobody validated, made safe to store and show: at most 64 characters, every character a
 * name may not contain written as \u{…}, so it is readable and can never act on a reader.
 */
export function escapeName(raw: string, max = 64): string {
  const chars = [...raw].slice(0, max);
  return chars
    .map((ch) =>
      UNSAFE.test(ch) || ch === '\\' || ch === '&' || ch === '"' || ch === "'"
        ? `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`
        : ch,
    )
    .join('');
}
