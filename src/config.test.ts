import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseEnv } from './config.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'status-tracker-config-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('configuration', () => {
  it('has the documented defaults', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 8100,
      HOST: '0.0.0.0',
      DATA_DIR: './data',
      POLL_INTERVAL_SECONDS: 5,
      RECONCILE_INTERVAL_SECONDS: 60,
      VERIFY_INTERVAL_SECONDS: 30,
    });
  });

  it('lists every problem at once, not only the first', () => {
    let error: unknown;
    try {
      parseEnv({
        PORT: 'eighty',
        RADARR_URL: 'radarr:7878',
        POLL_INTERVAL_SECONDS: '-1',
        SONARR_URL: 'http://sonarr:8989',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/RADARR_URL: must be an http\(s\) URL/);
    expect(problems).toMatch(/POLL_INTERVAL_SECONDS/);
    // The missing key is found in the same pass once the types are right.
    expect(() => parseEnv({ SONARR_URL: 'http://sonarr:8989' })).toThrow(
      /SONARR_API_KEY: required when SONARR_URL is set/,
    );
  });

  it('accepts fractions of a second, treats empty variables as unset and trims URL slashes', () => {
    const env = parseEnv({
      POLL_INTERVAL_SECONDS: '0.2',
      RADARR_URL: 'http://radarr:7878/',
      RADARR_API_KEY: 'k',
      SONARR_URL: '',
    });
    expect(env.POLL_INTERVAL_SECONDS).toBe(0.2);
    expect(env.RADARR_URL).toBe('http://radarr:7878');
    expect(env.SONARR_URL).toBeUndefined();
  });

  it('generates API_KEY, WEBHOOK_TOKEN and ADMIN_PASSWORD once, keeps them in DATA_DIR and reuses them', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.generatedSecrets).toEqual(['API_KEY', 'WEBHOOK_TOKEN', 'ADMIN_PASSWORD']);
    expect(first.ADMIN_PASSWORD).toMatch(/^[\w-]{24}$/);
    expect(first.adminPasswordFromEnv).toBe(false);
    expect(first.API_KEY).toMatch(/^[0-9a-f]{48}$/);
    expect(first.WEBHOOK_TOKEN).not.toBe(first.API_KEY);
    const file = join(dir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored).toEqual({
      apiKey: first.API_KEY,
      webhookToken: first.WEBHOOK_TOKEN,
      adminPassword: first.ADMIN_PASSWORD,
      encryptionKey: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(first.SECRETS_KEY.toString('hex')).toBe(stored.encryptionKey);

    const second = loadConfig({ DATA_DIR: dir });
    expect(second.generatedSecrets).toEqual([]);
    expect(second.API_KEY).toBe(first.API_KEY);
    expect(second.WEBHOOK_TOKEN).toBe(first.WEBHOOK_TOKEN);
    expect(second.ADMIN_PASSWORD).toBe(first.ADMIN_PASSWORD);
    expect(second.SECRETS_KEY.equals(first.SECRETS_KEY)).toBe(true);
  });

  it('takes SECRETS_KEY as 64 hex digits or base64 and refuses anything else', () => {
    const hex = 'ab'.repeat(32);
    expect(loadConfig({ DATA_DIR: dataDir(), SECRETS_KEY: hex }).SECRETS_KEY.toString('hex')).toBe(hex);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(
      loadConfig({ DATA_DIR: dataDir(), SECRETS_KEY: b64 }).SECRETS_KEY.equals(Buffer.alloc(32, 7)),
    ).toBe(true);
    expect(() => loadConfig({ DATA_DIR: dataDir(), SECRETS_KEY: 'too-short' })).toThrow(/SECRETS_KEY/);
  });

  it('prefers the environment to generated secrets, and builds BASE_URL from PORT', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), API_KEY: 'a-key-of-sixteen-chars', PORT: '9000' });
    expect(config.API_KEY).toBe('a-key-of-sixteen-chars');
    expect(config.generatedSecrets).toEqual(['WEBHOOK_TOKEN', 'ADMIN_PASSWORD']);
    expect(config.BASE_URL).toBe('http://localhost:9000');
  });

  it('generates no ADMIN_PASSWORD when Jellyfin signs people in, and takes a set one as is', () => {
    const jellyfin = { JELLYFIN_URL: 'http://jellyfin:8096', JELLYFIN_API_KEY: 'k' };
    const withJellyfin = loadConfig({ DATA_DIR: dataDir(), ...jellyfin });
    expect(withJellyfin.generatedSecrets).not.toContain('ADMIN_PASSWORD');
    expect(withJellyfin.ADMIN_PASSWORD).toBeUndefined();
    const set = loadConfig({ DATA_DIR: dataDir(), ...jellyfin, ADMIN_PASSWORD: 'correct horse' });
    expect(set).toMatchObject({ ADMIN_PASSWORD: 'correct horse', adminPasswordFromEnv: true });
    expect(set.generatedSecrets).not.toContain('ADMIN_PASSWORD');
    expect(() => loadConfig({ DATA_DIR: dataDir(), ADMIN_PASSWORD: 'short' })).toThrow(
      /ADMIN_PASSWORD: must be at least 8 characters/,
    );
    expect(() => loadConfig({ DATA_DIR: dataDir(), SESSION_DAYS: '0' })).toThrow(/SESSION_DAYS/);
    expect(loadConfig({ DATA_DIR: dataDir() }).SESSION_DAYS).toBe(30);
  });
});
