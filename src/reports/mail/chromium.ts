import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, for what mail carries that a mail client cannot draw itself: the
 * periodic report's PDF (printed from the same page the dashboard shows) and the charts of alerts as
 * PNG (mail clients drop inline SVG). One browser per process, started on first use and closed at
 * shutdown; each render gets its own context, so renders never share state.
 *
 * Pages are rendered from HTML we built (setContent), with every request outside `data:` refused:
 * a report page must carry its own styles and charts, and the worker has no network to fetch from.
 */

export interface ChromiumOptions {
  /** config.reports.chromiumPath (CHROMIUM_PATH). */
  executablePath: string;
  timeoutMs?: number;
}

export class ReportBrowser {
  private browser: Promise<Browser> | undefined;

  constructor(private readonly opts: ChromiumOptions) {}

  private launch(): Promise<Browser> {
    this.browser ??= chromium
      .launch({
        executablePath: this.opts.executablePath,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-sync',
        ],
        timeout: this.opts.timeoutMs ?? 60_000,
      })
      .catch((err: unknown) => {
        this.browser = undefined;
        throw new Error(
          `Chromium could not start for report rendering: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
    return this.browser;
  }

  private async withPage<T>(
    width: number,
    run: (page: import('playwright-core').Page) => Promise<T>,
    height = 800,
  ): Promise<T> {
    const browser = await this.launch();
    const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: false });
    try {
      context.setDefaultTimeout(this.opts.timeoutMs ?? 60_000);
      await context.route('**/*', (route) =>
        route.request().url().startsWith('data:') ? route.continue() : route.abort('blockedbyclient'),
      );
      const page = await context.newPage();
      return await run(page);
    } finally {
      await context.close();
    }
  }

  /** A4 PDF of a whole HTML document, with its backgrounds (the charts' colours are the data). */
  async pdf(html: string): Promise<Buffer> {
    return this.withPage(1024, async (page) => {
      await page.setContent(html, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      return page.pdf({
        format: 'A4',
        printBackground: true,
        margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
      });
    });
  }

  /** A PNG of the document at `width` CSS pixels, as tall as its content. */
  async png(html: string, width: number): Promise<Buffer> {
    // A short viewport: the full-page shot grows to the content, but never shrinks below the viewport.
    return this.withPage(
      width,
      async (page) => {
        await page.setContent(html, { waitUntil: 'load' });
        return page.screenshot({ fullPage: true, type: 'png' });
      },
      100,
    );
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await (await browser).close();
  }
}
