import { mkdirSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { DEADLINE } from './time.js';

export const ARTIFACTS = '.test-artifacts/screenshots';

/**
 * Debian's Chromium, headless, with the flags that keep it off the (closed) network. Every context
 * it opens (`browser.newPage()` opens one too) waits on a step for the suite's browser deadline
 * (test/support/time.ts), not Playwright's own default.
 */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: DEADLINE.process,
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    context.setDefaultTimeout(DEADLINE.browser);
    context.setDefaultNavigationTimeout(DEADLINE.browser);
    return context;
  };
  return browser;
}
