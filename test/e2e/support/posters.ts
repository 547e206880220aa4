import type { BrowserContext } from 'playwright-core';

/**
 * This machine (and CI) has no internet, so posters from image.tmdb.org would show as broken images.
 * The browser is answered with a drawn poster instead: a gradient and the file name's id, enough to
 * see the layout as it is with real posters.
 */
export async function drawPosters(context: BrowserContext): Promise<void> {
  await context.route(/^https:\/\/image\.tmdb\.org\//, async (route) => {
    const url = route.request().url();
    let hash = 0;
    for (const char of url) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    const hue = hash % 360;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="450" viewBox="0 0 300 450">
      <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
        <stop offset="0" stop-color="hsl(${hue},55%,42%)"/><stop offset="1" stop-color="hsl(${(hue + 60) % 360},60%,18%)"/>
      </linearGradient></defs>
      <rect width="300" height="450" fill="url(#g)"/>
      <circle cx="150" cy="190" r="70" fill="hsla(0,0%,100%,0.12)"/>
    </svg>`;
    await route.fulfill({ status: 200, contentType: 'image/svg+xml', body: svg });
  });
}
