/**
 * The web UI for people who do not use a mouse or do not see it well, in a real browser against the
 * real server: signing in, moving around and fixing a problem with the keyboard alone, with a visible
 * focus ring on every stop; every control named and every image described; text that meets WCAG AA
 * contrast in both themes; and nothing wider than a phone.
 *
 * Browser code is passed as strings: the server's TypeScript has no DOM types (as in board.e2e.test.ts).
 */
import type { CDPSession, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { jellyseerrNotification } from '../../src/integrations/jellyseerr/jellyseerr.fake.js';
import { radarrGrab, radarrManualInteractionRequired } from '../../src/integrations/radarr/radarr.fake.js';
import { describeInBrowser } from './support/browser.js';
import { ADMIN_PASSWORD, type E2eStack } from './support/e2e-stack.js';
import { browserPerFile, signInAsAdmin } from './support/session.js';

const matrix = { movieId: 1, tmdbId: 603, title: 'The Matrix', year: 1999 };
const heat = { movieId: 2, tmdbId: 949, title: 'Heat', year: 1995 };
const MATRIX_HASH = 'AB'.repeat(20);
const HEAT_HASH = 'CD'.repeat(20);

/** What the browser says about the focused element. */
interface Focused {
  tag: string;
  id: string;
  name: string;
  href: string | null;
  /** A focus ring: an outline or a box shadow that is drawn. */
  indicator: boolean;
  style: string;
  inViewport: boolean;
}

const FOCUSED = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !/^rgba\\(.*,\\s*0\\)$|^transparent$/.test(s.outlineColor);
  const shadow = s.boxShadow !== 'none';
  const rect = el.getBoundingClientRect();
  const label = el.labels && el.labels[0] ? el.labels[0].textContent : null;
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    name: (el.getAttribute('aria-label') || label || el.textContent || '').replace(/\\s+/g, ' ').trim(),
    href: el.getAttribute('href'),
    indicator: outline || shadow,
    style: 'outline: ' + s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor + '; box-shadow: ' + s.boxShadow,
    inViewport: rect.bottom > 0 && rect.top < innerHeight && rect.right > 0 && rect.left < innerWidth,
  };
})()`;

/** Whether a page is one h1 in one main landmark, with every image described or marked decorative. */
const STRUCTURE = `(() => ({
  h1: document.querySelectorAll('h1, [role="heading"][aria-level="1"]').length,
  main: document.querySelectorAll('main, [role="main"]').length,
  imagesWithoutAlt: [...document.querySelectorAll('img:not([alt])')].map((img) => img.outerHTML.slice(0, 160)),
}))()`;

/** Focusable things inside a subtree hidden from assistive technology: reachable but unnamed. */
const FOCUSABLE_BUT_HIDDEN = `[...document.querySelectorAll('[aria-hidden="true"]')].flatMap((hidden) =>
  [...hidden.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .filter((el) => el.tabIndex >= 0 && !el.disabled)
    .map((el) => el.outerHTML.slice(0, 160)))`;

/**
 * Every element with text of its own (and every form field's value or placeholder): its contrast
 * against the colours behind it, the translucent ones composited up to the nearest opaque one.
 * Elements over an image or a gradient are left out, as are disabled controls (WCAG exempts them)
 * and text clipped to a pixel for screen readers.
 */
const CONTRAST = `(() => {
  const parse = (value) => {
    let m = value.match(/^rgba?\\(([^)]*)\\)$/);
    if (m) {
      const [r, g, b, a = 1] = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    }
    m = value.match(/^color\\(srgb ([^)]*)\\)$/);
    if (m) {
      const [r, g, b, a = 1] = m[1].split(/[\\s/]+/).filter(Boolean).map(Number);
      return { r: r * 255, g: g * 255, b: b * 255, a };
    }
    throw new Error('a colour this check cannot read: ' + value);
  };
  const over = (top, bottom) => {
    const a = top.a + bottom.a * (1 - top.a);
    const mix = (k) => (top[k] * top.a + bottom[k] * bottom.a * (1 - top.a)) / a;
    return { r: mix('r'), g: mix('g'), b: mix('b'), a };
  };
  const luminance = ({ r, g, b }) => {
    const lin = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  const hex = ({ r, g, b }) => '#' + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('');
  const backdrop = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const s = getComputedStyle(node);
      if (s.backgroundImage !== 'none') return null;
      const colour = parse(s.backgroundColor);
      if (colour.a > 0) layers.push(colour);
      if (colour.a >= 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
  };
  const opacity = (el) => {
    let product = 1;
    for (let node = el; node; node = node.parentElement) product *= Number(getComputedStyle(node).opacity);
    return product;
  };
  const results = [];
  for (const el of document.body.querySelectorAll('*')) {
    const field = el.matches('input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]), select, textarea');
    let text = field ? (el.value || '') : [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
    let colourOf = getComputedStyle(el).color;
    if (field && !text && el.placeholder) {
      text = el.placeholder;
      colourOf = getComputedStyle(el, '::placeholder').color;
    }
    if (field && el.tagName === 'SELECT') text = el.selectedOptions[0] ? el.selectedOptions[0].textContent : '';
    if (!text.trim()) continue;
    if (el.closest(':disabled, [aria-disabled="true"]')) continue;
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width <= 1 || rect.height <= 1) continue;
    if (rect.bottom + scrollY <= 0 || rect.right + scrollX <= 0) continue;
    const bg = backdrop(el);
    if (!bg) continue;
    const s = getComputedStyle(el);
    const fgColour = parse(colourOf);
    const fg = over({ ...fgColour, a: fgColour.a * opacity(el) }, bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    results.push({
      text: text.replace(/\\s+/g, ' ').trim().slice(0, 40),
      where: el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''),
      ratio: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
      required: large ? 3 : 4.5,
      colours: hex(fg) + ' on ' + hex(bg),
    });
  }
  return results;
})()`;

/** The phone-width test: nothing may be wider than the screen. */
const SIDEWAYS = `({ scrollWidth: document.documentElement.scrollWidth, innerWidth })`;

/** Controls, images and anything focusable: what must have an accessible name when exposed. */
const NAMED = [
  'button',
  'a[href]',
  'input:not([type="hidden"])',
  'select',
  'textarea',
  'summary',
  'img',
  '[role]',
  '[tabindex]:not([tabindex="-1"])',
].join(', ');
/** Roles that need no name of their own: containers and text. */
const NAME_OPTIONAL = new Set([
  'generic',
  'none',
  'presentation',
  'paragraph',
  'list',
  'listitem',
  'group',
  'status',
  'alert',
  'search',
  'time',
]);

describeInBrowser('accessibility of the web UI', () => {
  const e2e = browserPerFile();
  let stack: E2eStack;
  let page: Page;
  const ids = { downloading: '', blocked: '' };

  beforeEach(async () => {
    stack = await e2e.startStack();
    await seed(stack);
    const { body } = await stack.api('GET', '/api/requests?limit=100');
    const idOf = (title: string) => body.items.find((r: { title: string }) => r.title === title).id as string;
    ids.downloading = idOf(matrix.title);
    ids.blocked = idOf(heat.title);
  });

  async function open(options: { phone?: boolean } = {}) {
    ({ page } = await e2e.openPage({ ...options, posters: true }));
  }

  const signIn = () => signInAsAdmin(page);

  const focused = () => page.evaluate<Focused | null>(FOCUSED);

  /**
   * Presses `key` until the focused element is the one wanted; every element on the way shows a
   * focus ring. The main landmark is exempt: it takes focus only as the target of the skip link and
   * of a new page, and is no control.
   */
  async function pressUntil(key: 'Tab' | 'Shift+Tab', wanted: (f: Focused) => boolean, what: string) {
    const path: string[] = [];
    for (let step = 0; step < 40; step++) {
      await page.keyboard.press(key);
      const now = await focused();
      if (!now) continue;
      path.push(`${now.tag} “${now.name.slice(0, 30)}”`);
      if (now.id !== 'main') {
        expect(now.indicator, `no focus ring on ${now.tag} “${now.name}”: ${now.style}`).toBe(true);
        expect(now.inViewport, `focused ${now.tag} “${now.name}” is off screen`).toBe(true);
      }
      if (wanted(now)) return now;
    }
    throw new Error(`${key} never reached ${what}; it went through: ${path.join(', ')}`);
  }

  const focusedLink = (name: string) => (f: Focused) => f.tag === 'a' && f.name === name;

  async function headingIs(name: string) {
    await page.getByRole('heading', { level: 1, name }).waitFor();
  }

  describe('with the keyboard alone', () => {
    it('signs in, skips to the content, opens History and Settings, and runs a problem’s fix', async () => {
      await open();
      await page.goto('/login');
      await page.getByLabel('Username').waitFor();

      expect(await pressUntil('Tab', (f) => f.tag === 'input', 'a field')).toMatchObject({
        name: 'Username',
      });
      await page.keyboard.type('admin');
      await page.keyboard.press('Tab');
      expect(await focused()).toMatchObject({ tag: 'input', name: 'Password', indicator: true });
      await page.keyboard.type(ADMIN_PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === '/');
      await headingIs('On their way');
      await page.getByRole('article', { name: heat.title }).waitFor();

      await page.keyboard.press('Tab');
      const skip = await focused();
      expect(skip).toMatchObject({ tag: 'a', name: 'Skip to content', href: '#main' });
      expect(skip?.indicator, skip?.style).toBe(true);
      expect(skip?.inViewport, 'the skip link shows when focused').toBe(true);
      await page.keyboard.press('Enter');
      await expect.poll(focused).toMatchObject({ tag: 'main', id: 'main' });

      // The navigation is before the content: back from it.
      await pressUntil('Shift+Tab', focusedLink('History'), 'the History link');
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === '/history');
      await headingIs('History');
      // A new page moves focus to its content, as a full page load would.
      await expect.poll(focused).toMatchObject({ id: 'main' });

      await pressUntil('Shift+Tab', focusedLink('Settings'), 'the Settings link');
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === '/settings');
      await headingIs('Settings');

      await pressUntil('Shift+Tab', focusedLink('Board'), 'the Board link');
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === '/');
      const card = page.getByRole('article', { name: heat.title });
      await card.waitFor();

      await pressUntil(
        'Tab',
        (f) => f.tag === 'button' && f.name === 'Refresh monitored downloads',
        'the fix of Heat’s problem',
      );
      await page.keyboard.press('Enter');
      await expect.poll(() => card.getByRole('status').textContent()).toMatch(/queued|sent|asked/i);
      await stack.app.runOutbox.runOnce();
      expect(stack.radarr.sentCommands('RefreshMonitoredDownloads')).toHaveLength(1);
    });
  });

  describe('names and structure', () => {
    it('names every control and describes every image, with one h1 and a main landmark on each page', async () => {
      await open();
      await page.goto('/login');
      await headingIs('Sign in');
      await expectNamedAndStructured('sign-in');
      await signIn();
      const pages = [
        { name: 'board', path: '/', heading: 'On their way' },
        { name: 'request detail', path: `/requests/${ids.blocked}`, heading: `${heat.title} (${heat.year})` },
        { name: 'history', path: '/history', heading: 'History' },
        { name: 'problems', path: '/problems', heading: 'Problems' },
        { name: 'settings', path: '/settings', heading: 'Settings' },
        { name: 'health', path: '/health', heading: 'Health' },
      ];
      for (const shown of pages) {
        await page.goto(shown.path);
        await headingIs(shown.heading);
        await settle();
        await expectNamedAndStructured(shown.name);
      }
    });
  });

  /** Waits for what loads after the heading: posters, the history's rows, settings' webhook cards. */
  async function settle() {
    await page.waitForFunction(
      `[...document.images].every((image) => image.complete) && !document.querySelector('[aria-busy="true"]')`,
    );
  }

  async function expectNamedAndStructured(where: string) {
    const structure = await page.evaluate<{ h1: number; main: number; imagesWithoutAlt: string[] }>(
      STRUCTURE,
    );
    expect(structure.h1, `h1 elements on ${where}`).toBe(1);
    expect(structure.main, `main landmarks on ${where}`).toBe(1);
    expect(structure.imagesWithoutAlt, `images without alt on ${where}`).toEqual([]);
    expect(await page.evaluate<string[]>(FOCUSABLE_BUT_HIDDEN), `focusable but hidden on ${where}`).toEqual(
      [],
    );
    const { checked, unnamed } = await unnamedElements(page);
    expect(unnamed, `unnamed on ${where}`).toEqual([]);
    expect(checked, `controls checked on ${where}`).toBeGreaterThan(2);
  }

  describe('contrast', () => {
    for (const theme of ['dark', 'light'] as const) {
      it(`meets WCAG AA on the board and a request’s page in the ${theme} theme`, async () => {
        await open();
        await signIn();
        if (theme === 'light') {
          await page.getByRole('button', { name: 'Light theme' }).click();
          await expect.poll(() => page.evaluate('document.documentElement.dataset.theme')).toBe('light');
        }
        for (const path of ['/', `/requests/${ids.blocked}`, `/requests/${ids.downloading}`]) {
          await page.goto(path);
          await page.getByRole('heading', { level: 1 }).waitFor();
          await page.getByRole('progressbar').or(page.getByText('Unable to parse file')).first().waitFor();
          await settle();
          const results = await page.evaluate<ContrastResult[]>(CONTRAST);
          expect(results.length, `text checked on ${path}`).toBeGreaterThan(10);
          const failing = results.filter((r) => r.ratio < r.required);
          expect(failing, `text below WCAG AA on ${path} (${theme})`).toEqual([]);
        }
      });
    }
  });

  describe('at phone width', () => {
    it('never scrolls sideways and reaches the navigation through the menu button', async () => {
      await open({ phone: true });
      await page.goto('/login');
      await headingIs('Sign in');
      expect(await sideways()).toBe(false);
      await signIn();
      for (const path of [
        '/',
        `/requests/${ids.blocked}`,
        `/requests/${ids.downloading}`,
        '/history',
        '/problems',
        '/settings',
        '/health',
      ]) {
        await page.goto(path);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await settle();
        expect(await sideways(), `${path} scrolls sideways`).toBe(false);
      }

      await page.goto('/');
      await headingIs('On their way');
      const menu = page.getByRole('button', { name: 'Menu' });
      const history = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'History' });
      expect(await history.isVisible()).toBe(false);
      await menu.tap();
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('true');
      await history.waitFor();
      expect(await sideways(), 'the open menu scrolls sideways').toBe(false);
      await history.tap();
      await page.waitForURL((url) => url.pathname === '/history');
      await headingIs('History');
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      expect(await history.isVisible()).toBe(false);
    });
  });

  async function sideways() {
    const { scrollWidth, innerWidth } = await page.evaluate<{ scrollWidth: number; innerWidth: number }>(
      SIDEWAYS,
    );
    return scrollWidth > innerWidth;
  }
});

interface ContrastResult {
  text: string;
  where: string;
  ratio: number;
  required: number;
  colours: string;
}

/**
 * Controls and images the browser exposes to assistive technology without a name, by the browser's
 * own accessible-name computation (Chromium's accessibility tree, over the DevTools protocol).
 * Hidden elements (display: none, aria-hidden) are not exposed and so need no name.
 */
async function unnamedElements(page: Page): Promise<{ checked: number; unnamed: string[] }> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('Accessibility.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: 0 });
    const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: NAMED });
    let checked = 0;
    const unnamed: string[] = [];
    for (const nodeId of nodeIds) {
      // Live updates re-render parts of the page while this runs: a node gone since is not on the page.
      const found = await cdp
        .send('Accessibility.getPartialAXTree', { nodeId, fetchRelatives: false })
        .catch(() => null);
      const node = found?.nodes[0];
      const role = String(node?.role?.value ?? '');
      if (!node || node.ignored || NAME_OPTIONAL.has(role)) continue;
      checked++;
      if (String(node.name?.value ?? '').trim() === '') {
        const { outerHTML } = await cdp.send('DOM.getOuterHTML', { nodeId });
        unnamed.push(`${role}: ${outerHTML.slice(0, 160)}`);
      }
    }
    return { checked, unnamed };
  } finally {
    await cdp.detach();
  }
}

/** Three requests: a movie downloading, one whose import is blocked (a problem with fixes), one declined. */
async function seed(stack: E2eStack) {
  const approve = (input: { tmdbId: number; requestId: number; title: string; year: number }) =>
    stack.hook(
      'jellyseerr',
      jellyseerrNotification({
        type: 'MEDIA_AUTO_APPROVED',
        mediaType: 'movie',
        requestedBy: 'alice',
        ...input,
      }),
    );
  stack.radarr.addMovie({
    id: matrix.movieId,
    tmdbId: matrix.tmdbId,
    title: matrix.title,
    year: matrix.year,
  });
  stack.radarr.addMovie({ id: heat.movieId, tmdbId: heat.tmdbId, title: heat.title, year: heat.year });

  await approve({ ...matrix, requestId: 1 });
  stack.radarr.grab({ movieId: matrix.movieId, downloadId: MATRIX_HASH });
  stack.qb.addTorrent({
    hash: MATRIX_HASH.toLowerCase(),
    name: 'The.Matrix.1999.1080p',
    category: 'radarr',
    progress: 0.42,
    dlspeed: 4_000_000,
  });
  await stack.hook('radarr', radarrGrab({ ...matrix, downloadId: MATRIX_HASH }));

  await approve({ ...heat, requestId: 2 });
  await stack.hook('radarr', radarrGrab({ ...heat, downloadId: HEAT_HASH }));
  await stack.hook('radarr', radarrManualInteractionRequired({ ...heat, downloadId: HEAT_HASH }));

  await stack.hook(
    'jellyseerr',
    jellyseerrNotification({
      type: 'MEDIA_DECLINED',
      mediaType: 'movie',
      tmdbId: 348,
      requestId: 3,
      title: 'Alien',
      year: 1979,
      requestedBy: 'bob',
    }),
  );
}
