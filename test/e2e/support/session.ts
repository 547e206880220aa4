/**
 * What every e2e file against the e2e stack shares: one Chromium for the file, and per test a fresh
 * stack and a fresh browser context, both closed after the test; and signing in through the login
 * page, as a person does.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser, type RunningBrowser } from './browser.js';
import { ADMIN_PASSWORD, type E2eStack, startE2eStack } from './e2e-stack.js';
import { drawPosters } from './posters.js';

export interface BrowserPerFile {
  /** A fresh e2e stack for this test (`env` added to its environment); closed after the test. */
  startStack(env?: Record<string, string>): Promise<E2eStack>;
  /**
   * A fresh context on the test's stack and a page in it; closed after the test. `posters` answers
   * image.tmdb.org with drawn posters (posters.ts).
   */
  openPage(options?: {
    phone?: boolean;
    posters?: boolean;
  }): Promise<{ context: BrowserContext; page: Page }>;
}

/** Registers the hooks; call it inside the `describe` whose tests use it. */
export function browserPerFile(): BrowserPerFile {
  let browser: RunningBrowser | undefined;
  let stack: E2eStack | undefined;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());
  afterEach(async () => {
    await context?.close();
    await stack?.close();
    context = undefined;
    stack = undefined;
  });

  return {
    async startStack(env) {
      stack = await startE2eStack(env);
      return stack;
    },
    async openPage({ phone = false, posters = false } = {}) {
      if (!browser || !stack) throw new Error('openPage needs the browser and a stack started first');
      context = await browser.context({ phone, baseURL: stack.url });
      if (posters) await drawPosters(context);
      return { context, page: await context.newPage() };
    },
  };
}

/** Fills the login form and presses "Sign in"; where that leads is the caller's to check. */
export async function submitSignIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs the administrator in through the login page and waits for the board. */
export async function signInAsAdmin(page: Page, password = ADMIN_PASSWORD): Promise<void> {
  await page.goto('/login');
  await submitSignIn(page, 'admin', password);
  await page.waitForURL((url) => url.pathname === '/');
}
