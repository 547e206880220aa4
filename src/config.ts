import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ACTION_NAMES, DEFAULT_AUTO_ACTIONS } from './actions/action-catalog.js';

const url = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((u) => u.replace(/\/+$/, ''));
const seconds = z.coerce.number({ error: 'must be a number of seconds' }).positive('must be more than 0');
const minutes = z.coerce.number({ error: 'must be a number of minutes' }).positive('must be more than 0');
const optionalText = z.string().trim().min(1).optional();
/** `a, b,,c` → `['a', 'b', 'c']`. */
function commaList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
/** A yes/no switch that is off unless set. */
const flagOff = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** The environment, as api.md documents it. Each key: meaning and default. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8100).describe('HTTP port'),
  HOST: z.string().default('0.0.0.0').describe('bind address'),
  DATA_DIR: z.string().default('./data').describe('SQLite database and generated secrets'),
  API_KEY: z.string().min(16, 'must be at least 16 characters').optional().describe('admin API key'),
  WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().describe('webhook token'),
  ADMIN_PASSWORD: z
    .string()
    .min(8, 'must be at least 8 characters')
    .optional()
    .describe('password of the local `admin` sign-in'),
  INBOX_RETENTION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .min(0, 'must be 0 (keep forever) or more')
    .default(30)
    .describe('days the raw body of an applied webhook is kept (0: forever)'),
  SESSION_DAYS: z.coerce
    .number({ error: 'must be a number of days' })
    .positive('must be more than 0')
    .default(30)
    .describe('days a UI session lasts without being used'),
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .transform((v): boolean | string[] => {
      if (['true', 'yes', '1'].includes(v)) return true;
      if (['false', 'no', '0', ''].includes(v)) return false;
      return commaList(v);
    })
    .describe('behind a reverse proxy: true, or its addresses/CIDRs (then X-Forwarded-For is believed)'),
  BASE_URL: url.optional().describe('external URL used to print webhook URLs'),
  POLL_INTERVAL_SECONDS: seconds.default(5),
  RECONCILE_INTERVAL_SECONDS: seconds.default(60),
  VERIFY_INTERVAL_SECONDS: seconds.default(30),
  STUCK_NO_RELEASE_MINUTES: minutes.default(120),
  STUCK_STALLED_MINUTES: minutes.default(30),
  STUCK_METADATA_MINUTES: minutes.default(15),
  STUCK_NOT_IMPORTED_MINUTES: minutes.default(20),
  STUCK_NOT_IN_LIBRARY_MINUTES: minutes.default(30),
  STUCK_ANIME_MATCH_MINUTES: minutes.default(60),
  DRY_RUN: flagOff.describe('record the commands the tracker would send, and send none'),
  AUTO_ACTIONS: z
    .string()
    .default(DEFAULT_AUTO_ACTIONS.join(','))
    .transform((v) => (v.trim() === 'none' ? [] : commaList(v)))
    .pipe(
      z.array(
        z.enum(ACTION_NAMES, { error: `must list actions out of ${ACTION_NAMES.join(', ')}, or none` }),
      ),
    )
    .describe('the fixes the tracker runs by itself'),
  PROTECT_TAG: z
    .string()
    .trim()
    .min(1)
    .default('status-tracker-protect')
    .describe('an *arr tag on a movie/series that keeps its downloads from being removed automatically'),
  PRIVATE_INDEXERS: z
    .string()
    .default('')
    .transform((v) => commaList(v.toLowerCase()))
    .describe('indexers that are private trackers (names as the *arr shows them), comma-separated'),
  REMOVE_PRIVATE_AUTOMATICALLY: flagOff.describe(
    'let remove_and_search run by itself on downloads from PRIVATE_INDEXERS',
  ),
  STUCK_SLOW_MINUTES: minutes.optional().describe('flag downloads whose ETA is longer; unset: off'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JELLYSEERR_URL: url.optional(),
  JELLYSEERR_API_KEY: optionalText,
  RADARR_URL: url.optional(),
  RADARR_API_KEY: optionalText,
  SONARR_URL: url.optional(),
  SONARR_API_KEY: optionalText,
  QBITTORRENT_URL: url.optional(),
  QBITTORRENT_USERNAME: optionalText,
  QBITTORRENT_PASSWORD: optionalText,
  TRANSMISSION_URL: url.optional(),
  TRANSMISSION_USERNAME: optionalText,
  TRANSMISSION_PASSWORD: optionalText,
  SABNZBD_URL: url.optional(),
  SABNZBD_API_KEY: optionalText,
  NZBGET_URL: url.optional(),
  NZBGET_USERNAME: optionalText,
  NZBGET_PASSWORD: optionalText,
  DELUGE_URL: url.optional(),
  DELUGE_PASSWORD: optionalText,
  JELLYFIN_URL: url.optional(),
  JELLYFIN_API_KEY: optionalText,
  SHOKO_URL: url.optional(),
  SHOKO_API_KEY: optionalText,
  SECRETS_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 bytes as 64 hex digits or base64')
    .optional()
    .describe('key that encrypts service passwords and API keys at rest (AES-256-GCM)'),
});
export type Env = z.infer<typeof envSchema>;

/** Services that need a key besides their URL: a URL without its key is a start-up error. */
const REQUIRED_WITH_URL: Array<[keyof Env, keyof Env]> = [
  ['JELLYSEERR_URL', 'JELLYSEERR_API_KEY'],
  ['RADARR_URL', 'RADARR_API_KEY'],
  ['SONARR_URL', 'SONARR_API_KEY'],
  ['SABNZBD_URL', 'SABNZBD_API_KEY'],
  ['JELLYFIN_URL', 'JELLYFIN_API_KEY'],
  ['SHOKO_URL', 'SHOKO_API_KEY'],
];

export interface Config
  extends Omit<Env, 'API_KEY' | 'WEBHOOK_TOKEN' | 'BASE_URL' | 'SECRETS_KEY' | 'ADMIN_PASSWORD'> {
  API_KEY: string;
  /**
   * The local admin's password: `ADMIN_PASSWORD`, or the one generated into `DATA_DIR/secrets.json`
   * on a start without Jellyfin; undefined when neither exists.
   */
  ADMIN_PASSWORD: string | undefined;
  /** `ADMIN_PASSWORD` was set: the local admin then works even while Jellyfin is configured. */
  adminPasswordFromEnv: boolean;
  /** 32 bytes: `SECRETS_KEY`, or generated once into `DATA_DIR/secrets.json`. */
  SECRETS_KEY: Buffer;
  WEBHOOK_TOKEN: string;
  BASE_URL: string;
  /** Secrets generated on this start (to print once). */
  generatedSecrets: Array<'API_KEY' | 'WEBHOOK_TOKEN' | 'ADMIN_PASSWORD'>;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment once, listing every problem rather than stopping at the first. */
export function parseEnv(env: Record<string, string | undefined>): Env {
  // An empty variable (`RADARR_URL=` in a compose file) means unset.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (result.success) {
    for (const [urlKey, keyKey] of REQUIRED_WITH_URL) {
      if (result.data[urlKey] && !result.data[keyKey])
        problems.push(`${keyKey}: required when ${urlKey} is set`);
    }
  }
  if (!result.success || problems.length > 0) throw new ConfigError(problems);
  return result.data;
}

interface StoredSecrets {
  apiKey?: string;
  webhookToken?: string;
  /** The local admin's password, generated on a start without Jellyfin and without `ADMIN_PASSWORD`. */
  adminPassword?: string;
  /** Hex; encrypts the services' secrets at rest unless `SECRETS_KEY` is given. */
  encryptionKey?: string;
}

function keyFrom(text: string): Buffer {
  return /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
}

/**
 * Loads the configuration. `API_KEY`, `WEBHOOK_TOKEN` and the encryption key of stored service
 * secrets, when unset, are generated once and kept in `DATA_DIR/secrets.json` (mode 0600) so they
 * survive restarts. So is `ADMIN_PASSWORD` when no Jellyfin is configured: without one, nobody
 * could sign in to the UI.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = parseEnv(env);
  const file = join(parsed.DATA_DIR, 'secrets.json');
  const stored: StoredSecrets = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets)
    : {};
  const generatedSecrets: Config['generatedSecrets'] = [];
  let apiKey = parsed.API_KEY ?? stored.apiKey;
  let webhookToken = parsed.WEBHOOK_TOKEN ?? stored.webhookToken;
  if (!apiKey) {
    apiKey = randomBytes(24).toString('hex');
    generatedSecrets.push('API_KEY');
  }
  if (!webhookToken) {
    webhookToken = randomBytes(24).toString('hex');
    generatedSecrets.push('WEBHOOK_TOKEN');
  }
  let adminPassword = parsed.ADMIN_PASSWORD ?? stored.adminPassword;
  if (!adminPassword && !parsed.JELLYFIN_URL) {
    // Typed by a person: 24 characters rather than 48 hex digits.
    adminPassword = randomBytes(18).toString('base64url');
    generatedSecrets.push('ADMIN_PASSWORD');
  }
  const encryptionKeyText = parsed.SECRETS_KEY ?? stored.encryptionKey ?? randomBytes(32).toString('hex');
  const newEncryptionKey = !parsed.SECRETS_KEY && !stored.encryptionKey;
  if (generatedSecrets.length > 0 || newEncryptionKey) {
    mkdirSync(parsed.DATA_DIR, { recursive: true });
    const next: StoredSecrets = { ...stored };
    if (newEncryptionKey) next.encryptionKey = encryptionKeyText;
    if (generatedSecrets.includes('API_KEY')) next.apiKey = apiKey;
    if (generatedSecrets.includes('WEBHOOK_TOKEN')) next.webhookToken = webhookToken;
    if (generatedSecrets.includes('ADMIN_PASSWORD')) next.adminPassword = adminPassword;
    writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    ...parsed,
    API_KEY: apiKey,
    WEBHOOK_TOKEN: webhookToken,
    ADMIN_PASSWORD: adminPassword,
    adminPasswordFromEnv: parsed.ADMIN_PASSWORD !== undefined,
    SECRETS_KEY: keyFrom(encryptionKeyText),
    BASE_URL: parsed.BASE_URL ?? `http://localhost:${parsed.PORT}`,
    generatedSecrets,
  };
}
