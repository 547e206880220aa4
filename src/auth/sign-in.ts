import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { JellyfinClient, JellyfinDevice } from '../integrations/jellyfin/jellyfin.client.js';
import { type IntegrationError, isIntegrationError } from '../integrations/shared/integration-error.js';
import { sameSecret } from './same-secret.js';
import type { SessionUser } from './sessions.js';

/** Which form the UI shows: Jellyfin's users, or the local `admin`. */
export type SignInMethod = 'jellyfin' | 'local';

export type SignInOutcome =
  | { ok: true; user: SessionUser }
  | { ok: false; code: 'invalid_credentials' }
  /** 503: Jellyfin did not answer; 502: it answered something that is not a sign-in answer. */
  | { ok: false; code: 'jellyfin_unreachable'; status: 502 | 503; message: string };

export const LOCAL_ADMIN_NAME = 'admin';

export interface SignInDeps {
  /** `ADMIN_PASSWORD`, or the generated one; undefined when there is none. */
  adminPassword: string | undefined;
  /** An explicitly set password keeps working while Jellyfin is configured (or down). */
  adminPasswordFromEnv: boolean;
  /** The Jellyfin instances configured now (environment and `/api/services`), in order. */
  jellyfins: () => Array<{ name: string; client: Pick<JellyfinClient, 'authenticateByName' | 'logout'> }>;
  device: JellyfinDevice;
  logger: Logger;
}

/**
 * The Jellyfin `DeviceId` of this installation: stable across restarts (Jellyfin keeps one device
 * per id) and derived one-way from a secret, so it tells nothing about the secret.
 */
export function jellyfinDeviceId(installationSecret: Buffer): string {
  return createHash('sha256')
    .update('status-tracker jellyfin device\0')
    .update(installationSecret)
    .digest('hex')
    .slice(0, 32);
}

/** Checks who is signing in: the local admin, or a Jellyfin user asked to Jellyfin itself. */
export function createSignIn(deps: SignInDeps) {
  function method(): SignInMethod {
    return deps.jellyfins().length > 0 ? 'jellyfin' : 'local';
  }

  function localAdminPassword(): string | null {
    if (deps.adminPassword === undefined) return null;
    return deps.adminPasswordFromEnv || method() === 'local' ? deps.adminPassword : null;
  }

  async function askJellyfin(username: string, password: string): Promise<SignInOutcome> {
    let failure: IntegrationError | null = null;
    for (const { name, client } of deps.jellyfins()) {
      try {
        const signedIn = await client.authenticateByName({ username, password, ...deps.device });
        if (signedIn === null) continue;
        try {
          // The tracker keeps its own session; Jellyfin's new one would only linger in its dashboard.
          await client.logout({ accessToken: signedIn.accessToken, ...deps.device });
        } catch (error) {
          deps.logger.debug({ err: error, jellyfin: name }, 'sign-in: could not end the Jellyfin session');
        }
        return {
          ok: true,
          user: {
            name: signedIn.name,
            jellyfinUserId: signedIn.userId,
            isAdmin: signedIn.isAdministrator,
            via: 'jellyfin',
          },
        };
      } catch (error) {
        if (!isIntegrationError(error)) throw error;
        deps.logger.warn({ err: error, jellyfin: name }, 'sign-in: Jellyfin could not be asked');
        failure ??= error;
      }
    }
    if (failure === null) return { ok: false, code: 'invalid_credentials' };
    return {
      ok: false,
      code: 'jellyfin_unreachable',
      status: failure.kind === 'bad_response' ? 502 : 503,
      message: `Jellyfin could not check the password: ${failure.message}`,
    };
  }

  return {
    method,
    async check(username: string, password: string): Promise<SignInOutcome> {
      const adminPassword = localAdminPassword();
      if (
        adminPassword !== null &&
        username.toLowerCase() === LOCAL_ADMIN_NAME &&
        sameSecret(password, adminPassword)
      ) {
        return {
          ok: true,
          user: { name: LOCAL_ADMIN_NAME, jellyfinUserId: null, isAdmin: true, via: 'local' },
        };
      }
      // `admin` with another password may be a Jellyfin user of that name: Jellyfin is asked.
      if (method() === 'jellyfin') return askJellyfin(username, password);
      return { ok: false, code: 'invalid_credentials' };
    },
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
