/**
 * Closures imported from a file (issue 26.1): a 100,000-row CSV (and XLSX) uploaded to
 * POST /api/imports/closures by an agency administrator's token, streamed from disk to the server
 * in the same process, on a fresh database each round. Reports rows per second (from the first byte
 * sent to the answer) and the peak RSS of this process (the web app, the import and the client,
 * sampled every 20 ms), medians of the rounds. The apply workers are off: what is measured is the
 * import accepting the rows as the events API does (validated, stored, queued); applying them is
 * the workers' cost, the same for every event however it arrived (bench/followup.bench.ts).
 *
 * Usage: npm run bench -- import
 *        node --import tsx bench/import.bench.ts --rows 100000 --rounds 3 --formats csv,xlsx
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { loadConfig } from '../src/config/index.js';
import { startMongo, startRedis, type EmbeddedService } from '../src/services/embedded.js';
import { startTestSystem, useSharedServers } from '../test/support/system.js';

const { values: args } = parseArgs({
  options: { rows: { type: 'string' }, rounds: { type: 'string' }, formats: { type: 'string' } },
});
const ROWS = Number(args.rows ?? process.env.BENCH_IMPORT_ROWS ?? 100_000);
const ROUNDS = Number(args.rounds ?? 3);
const FORMATS = (args.formats ?? 'csv,xlsx').split(',') as ('csv' | 'xlsx')[];
const MB = 1024 * 1024;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const HEADER = ['رقم البلاغ', 'تاريخ الإغلاق', 'الجهة', 'الإدارة', 'رقم الموظف', 'جوال المستفيد', 'اللغة'];

function row(i: number, base: DateTime): string[] {
  const closed = base.minus({ minutes: i % 10_000 }).toFormat('dd/MM/yyyy HH:mm');
  const phone = `05${String(10_000_000 + i).slice(-8)}`;
  return [
    `R-${i}`,
    closed,
    'moh',
    `dept-${i % 12}`,
    `agent-${i % 400}`,
    `${phone.slice(0, 3)} ${phone.slice(3, 6)} ${phone.slice(6)}`,
    i % 5 === 0 ? 'en' : 'ar',
  ];
}

async function writeFiles(dir: string): Promise<{ csv: string; xlsx: string }> {
  const base = DateTime.now().setZone('Asia/Riyadh').minus({ days: 1 });
  const csv = path.join(dir, 'closures.csv');
  const lines = [HEADER.join(',')];
  for (let i = 0; i < ROWS; i++) lines.push(row(i, base).join(','));
  writeFileSync(csv, `${lines.join('\r\n')}\r\n`);
  const xlsx = path.join(dir, 'closures.xlsx');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: xlsx, useSharedStrings: false });
  const ws = wb.addWorksheet('export');
  ws.addRow(HEADER).commit();
  for (let i = 0; i < ROWS; i++) ws.addRow(row(i, base)).commit();
  ws.commit();
  await wb.commit();
  return { csv, xlsx };
}

async function upload(
  baseUrl: string,
  token: string,
  file: string,
  type: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL('/api/imports/closures', baseUrl), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': type,
        'content-length': String(statSync(file).size),
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'verisat-bench-import-'));
  const searchPath = loadConfig({ PATH: process.env.PATH, HOME: process.env.HOME }).binSearchPath;
  const started: EmbeddedService[] = [];
  try {
    const files = await writeFiles(dir);
    const redis = await startRedis({ dataDir: path.join(dir, 'redis'), searchPath, persistent: false });
    started.push(redis);
    const mongo = process.env.MONGODB_URI
      ? undefined
      : await startMongo({ dataDir: path.join(dir, 'mongo'), searchPath, persistent: false, javaHeap: '4g' });
    if (mongo) started.push(mongo);
    const mongoUrl = process.env.MONGODB_URI ?? mongo?.url ?? '';
    useSharedServers(() => ({ redisUrl: redis.url, mongoUrl }));
    console.log(
      `database: ${mongo?.name ?? 'MONGODB_URI'}; rows: ${ROWS.toLocaleString('en')}; CSV ${(statSync(files.csv).size / MB).toFixed(1)} MB, XLSX ${(statSync(files.xlsx).size / MB).toFixed(1)} MB; cores: ${os.cpus().length}, load ${os.loadavg()[0]?.toFixed(1)}`,
    );
    for (const format of FORMATS) {
      const rates: number[] = [];
      const peaks: number[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const sys = await startTestSystem({ env: { LOG_LEVEL: 'warn', IMPORT_MAX_BYTES: String(200 * MB) } });
        try {
          const token = await sys.token('agency_admin', { agency: 'moh' });
          const before = process.memoryUsage.rss();
          let peak = before;
          const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
          const t0 = performance.now();
          const res = await upload(
            sys.baseUrl,
            token,
            format === 'csv' ? files.csv : files.xlsx,
            format === 'csv' ? 'text/csv' : XLSX,
          );
          const seconds = (performance.now() - t0) / 1000;
          clearInterval(timer);
          const answer = JSON.parse(res.body) as { accepted?: number; refused?: number; message?: string };
          if (res.status !== 200 || answer.accepted !== ROWS)
            throw new Error(`round ${round}: ${res.status} ${res.body.slice(0, 300)}`);
          const stored = await sys.ctx.models.TicketEvent.estimatedDocumentCount();
          rates.push(ROWS / seconds);
          peaks.push(peak);
          console.log(
            `${format} round ${round}: ${ROWS} rows in ${seconds.toFixed(1)} s = ${(ROWS / seconds).toFixed(0)} rows/s; peak RSS ${(peak / MB).toFixed(0)} MB (before ${(before / MB).toFixed(0)} MB); events stored ${stored}`,
          );
        } finally {
          await sys.stop();
        }
      }
      console.log(
        `${format}: median ${median(rates).toFixed(0)} rows/s, median peak RSS ${(median(peaks) / MB).toFixed(0)} MB over ${ROUNDS} rounds`,
      );
    }
  } finally {
    await Promise.allSettled(started.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
