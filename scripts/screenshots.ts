/**
 * npm run screenshots: the two pictures the README shows (the dashboard and an agent's page), taken
 * in headless Chromium from a month of demo data on a system of its own, into docs/screenshots/.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const OUT = 'docs/screenshots';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'verisat-screenshots-'));
const demo = spawn('node', ['--import', 'tsx', 'scripts/demo.ts', '--month'], {
  env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});

try {
  const { url, password } = await new Promise<{ url: string; password: string }>((resolve, reject) => {
    let out = '';
    demo.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m =
        /Dashboard:\s+(http:\/\/[^/\s]+)\/dashboard\s+\(sign in as demo-admin with password (\S+)\)/.exec(
          out,
        );
      if (m?.[1] && m[2] && out.includes('Serving until')) resolve({ url: m[1], password: m[2] });
    });
    demo.on('exit', (code) => reject(new Error(`the demo stopped (exit ${code}) before serving:\n${out}`)));
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${url}/login?lang=en`);
  await page.fill('input[name=username]', 'demo-admin');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(/\/dashboard/);
  mkdirSync(OUT, { recursive: true });
  await page.goto(`${url}/dashboard?lang=en`);
  await page.screenshot({ path: `${OUT}/dashboard.png`, fullPage: true });
  await page.goto(`${url}/reports/agent/momah-r-02?lang=en`);
  await page.screenshot({ path: `${OUT}/agent.png`, fullPage: true });
  await browser.close();
  process.stdout.write(`Wrote ${OUT}/dashboard.png and ${OUT}/agent.png\n`);
} finally {
  demo.kill('SIGINT');
  rmSync(dataDir, { recursive: true, force: true });
}
