/**
 * A real browser for end-to-end tests: Debian's `chromium` package driven by playwright-core (never a
 * downloaded browser). The flags keep a headless Chromium quiet on a machine without internet: no
 * background networking, component updates or sync, each of which would dial out at start. Playwright
 * gives every launch a fresh empty profile of its own.
 */
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { describeWithBinaries } from '../../support/daemons/daemon-process.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `describe` that needs Chromium: skipped loudly on a developer machine without it, a failure in CI. */
export function describeInBrowser(title: string, body: () => void): void {
  describeWithBinaries([CHROMIUM], title, body, 'apt-get install chromium');
}

export interface RunningBrowser {
  browser: Browser;
  /** A fresh context (cookies, storage) with the viewport of a desktop or a phone. */
  context(options?: { phone?: boolean; baseURL?: string }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<RunningBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    context: ({ phone = false, baseURL } = {}) =>
      browser.newContext({
        ...(baseURL ? { baseURL } : {}),
        viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 860 },
        deviceScaleFactor: phone ? 2 : 1,
        isMobile: phone,
        hasTouch: phone,
        colorScheme: 'dark',
        timezoneId: 'Europe/Berlin',
        locale: 'en-GB',
      }),
    close: () => browser.close(),
  };
}
