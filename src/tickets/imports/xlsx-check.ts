import { open, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createInflateRaw } from 'node:zlib';

/**
 * What an XLSX must pass before any of it is parsed, read from the zip's own central directory:
 * no entry that inflates past the limits (a zip bomb is refused from its declared sizes, and an
 * entry that inflates past what it declared is refused while it is read), no macros (a VBA project
 * or a macro-enabled content type), no formulas (any `<f>` element in any sheet). Formulas are
 * refused rather than evaluated: the value a formula shows is what Excel computed on someone's
 * machine, not what the file holds.
 */

export interface XlsxLimits {
  /** Sum of the entries' uncompressed sizes. */
  maxUncompressedBytes: number;
  /** Uncompressed / compressed, per entry. Real sheets compress 5–20 times; bombs thousands. */
  maxRatio: number;
}

export type XlsxCheck =
  { ok: true } | { ok: false; code: 'zip_bomb' | 'macros' | 'formulas' | 'not_xlsx'; reason: string };

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;
/** Ratios of tiny entries say nothing (an empty sheet part compresses 50 times). */
const RATIO_FLOOR_BYTES = 1 << 20;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

async function centralDirectory(fh: FileHandle, fileSize: number): Promise<Entry[] | string> {
  // The end record is in the last 22 bytes plus a comment of up to 64 KiB.
  const tailLength = Math.min(fileSize, 22 + 0xffff);
  const tail = await readAt(fh, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return 'is not a zip file (no end of central directory)';
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff)
    return 'is a zip64 file, which no spreadsheet this size needs';
  if (cdOffset + cdSize > fileSize) return 'has a central directory past its end';
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: Entry[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CEN_SIG) return 'has a damaged central directory';
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    entries.push({
      method: cd.readUInt16LE(p + 10),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
      name: cd.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Streams an entry's inflated bytes to `onChunk`, refusing more than it declared. */
async function inflateEntry(
  path: string,
  fh: FileHandle,
  e: Entry,
  onChunk: (text: string) => void,
): Promise<string | undefined> {
  const local = await readAt(fh, e.localOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== LOC_SIG) return `entry ${e.name} is damaged`;
  const start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  if (e.compressedSize === 0) return undefined;
  if (e.method !== 0 && e.method !== 8) return `entry ${e.name} uses compression method ${e.method}`;
  const raw = createReadStream(path, { start, end: start + e.compressedSize - 1 });
  const source = e.method === 8 ? raw.pipe(createInflateRaw()) : raw;
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > e.size) {
        raw.destroy();
        return `entry ${e.name} inflates past the ${e.size} bytes it declares`;
      }
      onChunk(chunk.toString('latin1'));
    }
  } catch (err) {
    return `entry ${e.name} cannot be inflated (${err instanceof Error ? err.message : String(err)})`;
  }
  return undefined;
}

const FORMULA = /<(?:[A-Za-z0-9_]+:)?f[\s>/]/;

export async function checkXlsx(path: string, limits: XlsxLimits): Promise<XlsxCheck> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const entries = await centralDirectory(fh, size);
    if (typeof entries === 'string') return { ok: false, code: 'not_xlsx', reason: `The file ${entries}` };
    let total = 0;
    for (const e of entries) {
      total += e.size;
      const ratio = e.size / Math.max(1, e.compressedSize);
      if (e.size > RATIO_FLOOR_BYTES && ratio > limits.maxRatio)
        return {
          ok: false,
          code: 'zip_bomb',
          reason: `The file's entry ${e.name} inflates ${Math.round(ratio)} times (at most ${limits.maxRatio} allowed): refused as a zip bomb`,
        };
    }
    if (total > limits.maxUncompressedBytes)
      return {
        ok: false,
        code: 'zip_bomb',
        reason: `The file inflates to ${total} bytes, over the ${limits.maxUncompressedBytes} allowed: refused as a zip bomb`,
      };
    if (
      !entries.some((e) => e.name === '[Content_Types].xml') ||
      !entries.some((e) => e.name.startsWith('xl/'))
    )
      return { ok: false, code: 'not_xlsx', reason: 'The file is a zip but not an Excel workbook (.xlsx)' };
    if (
      entries.some(
        (e) => /(^|\/)vbaProject\.bin$/i.test(e.name) || (/\.bin$/i.test(e.name) && /vba/i.test(e.name)),
      )
    )
      return {
        ok: false,
        code: 'macros',
        reason: 'The workbook holds macros (a VBA project): save it as .xlsx without macros',
      };
    for (const e of entries) {
      const isTypes = e.name === '[Content_Types].xml';
      const isSheet = /^xl\/worksheets\/[^/]+\.xml$/i.test(e.name);
      // Every entry is inflated with its declared size as a cap, so a lying header cannot bomb the
      // parser later; the types and the sheets are also searched.
      let tail = '';
      let found: XlsxCheck | undefined;
      let types = '';
      const problem = await inflateEntry(path, fh, e, (text) => {
        if (found) return;
        if (isTypes) types += text;
        if (isSheet) {
          // Carries the end of the previous chunk, so a tag split across chunks is still seen.
          const window = tail + text;
          if (FORMULA.test(window))
            found = {
              ok: false,
              code: 'formulas',
              reason: `The sheet ${e.name.replace(/^xl\/worksheets\//, '')} holds formulas: paste the values only and upload again`,
            };
          tail = window.slice(-16);
        }
      });
      if (problem) return { ok: false, code: 'zip_bomb', reason: `The file is refused: ${problem}` };
      if (found) return found;
      if (isTypes && /macroEnabled|vbaProject/i.test(types))
        return {
          ok: false,
          code: 'macros',
          reason: 'The workbook is macro-enabled (.xlsm): save it as .xlsx without macros',
        };
    }
    return { ok: true };
  } finally {
    await fh.close();
  }
}
