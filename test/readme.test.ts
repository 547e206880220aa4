import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/config.js';
import { JELLYFIN_ITEM_ADDED_TEMPLATE } from '../src/integrations/jellyfin/jellyfin.fake.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README is part of the product: what it tells a user to paste and set must be what the code reads. */
describe('README', () => {
  it('shows the Jellyfin template the parser is tested against', () => {
    expect(readme).toContain(JELLYFIN_ITEM_ADDED_TEMPLATE);
  });

  it('documents every configuration variable', () => {
    for (const key of Object.keys(envSchema.shape)) expect(readme).toContain(`\`${key}\``);
  });

  it('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });
});
