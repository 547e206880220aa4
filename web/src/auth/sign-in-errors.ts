import { describeError, isApiError } from '../api/api';

/** Why signing in failed, in words: wrong credentials, too many attempts, Jellyfin unreachable. */
export function describeSignInError(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'invalid_credentials' || error.status === 401) {
      return 'Wrong user name or password. Check them and try again.';
    }
    if (error.code === 'rate_limited' || error.status === 429) {
      return 'Too many attempts. Wait a minute, then try again.';
    }
    if (error.code === 'jellyfin_unreachable') {
      return 'Jellyfin cannot be reached right now, so its accounts cannot sign in. Try again later, or ask the admin.';
    }
  }
  return describeError(error);
}
