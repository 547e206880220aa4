import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../auth/same-secret.js';
import type { SessionStore } from '../auth/sessions.js';
import { API_KEY_VIEWER, type Viewer } from '../auth/viewer.js';
import { hasSecret } from './auth.js';
import { errorBody } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; set for every `/api` request before any route's own hooks run. */
    viewer: Viewer | null;
  }
}

export const SESSION_COOKIE = 'st_session';

/** Methods that change nothing, so a forged cross-site request could do no harm with them. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Signing in needs no CSRF token: there is no session yet whose token it could carry. */
const CSRF_EXEMPT = new Set(['/api/auth/login']);
const API_PATH = /^\/api(\/|\?|$)/;

/** The security requirement of routes open to the API key and to a signed-in person (OpenAPI). */
export const API_SECURITY: Array<Record<string, string[]>> = [
  { apiKey: [] },
  { apiKeyQuery: [] },
  { session: [] },
];

export interface SessionCookie {
  /** `Secure` when the tracker is reached over https (`BASE_URL`). */
  secure: boolean;
  maxAgeSeconds: number;
}

export function sessionCookieOptions(cookie: SessionCookie) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: cookie.secure,
    maxAge: cookie.maxAgeSeconds,
  };
}

export function clearSessionCookie(reply: FastifyReply, cookie: SessionCookie): void {
  const { maxAge: _, ...options } = sessionCookieOptions(cookie);
  reply.clearCookie(SESSION_COOKIE, options);
}

export interface AccessDeps {
  apiKey: string;
  sessions: SessionStore;
  cookie: SessionCookie;
}

/**
 * Decides once per `/api` request who is asking: the API key wins (scripts; no CSRF token), else the
 * session cookie. A cookie-authenticated change without the session's `X-CSRF-Token` stops here,
 * before any body is read or anything changes. `/hooks` never looks at cookies: it has its own door.
 */
export function registerViewer(app: FastifyInstance, deps: AccessDeps): void {
  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request, reply) => {
    request.viewer = null;
    if (!API_PATH.test(request.url)) return;
    if (hasSecret(request, [deps.apiKey])) {
      request.viewer = API_KEY_VIEWER;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const found = deps.sessions.find(token);
    if (!found) return;
    const { session, renewed } = found;
    // The cookie's lifetime follows the session's sliding expiry.
    if (renewed) reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(deps.cookie));
    request.viewer = {
      kind: 'session',
      name: session.name,
      isAdmin: session.isAdmin,
      via: session.via,
      sessionId: session.id,
      csrfToken: session.csrfToken,
    };
    const exempt = CSRF_EXEMPT.has(request.routeOptions.url ?? '');
    if (!SAFE_METHODS.has(request.method) && !exempt) {
      if (!sameSecret(request.headers['x-csrf-token'], session.csrfToken)) {
        return reply.code(403).send(errorBody('csrf', 'missing or wrong X-CSRF-Token header'));
      }
    }
  });
}

/** onRequest guard: anyone the tracker knows (API key or a session). */
export async function signedIn(request: FastifyRequest, reply: FastifyReply) {
  if (request.viewer === null) {
    return reply.code(401).send(errorBody('unauthorized', 'sign in, or send the API key'));
  }
}

/** onRequest guard: the API key, the local admin or a Jellyfin administrator. */
export async function adminOnly(request: FastifyRequest, reply: FastifyReply) {
  if (request.viewer === null) {
    return reply.code(401).send(errorBody('unauthorized', 'sign in, or send the API key'));
  }
  if (!request.viewer.isAdmin) {
    return reply.code(403).send(errorBody('forbidden', 'only an administrator may do this'));
  }
}
