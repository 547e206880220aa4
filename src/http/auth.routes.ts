import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionStore } from '../auth/sessions.js';
import type { SignIn } from '../auth/sign-in.js';
import { clearSessionCookie, SESSION_COOKIE, type SessionCookie, sessionCookieOptions } from './access.js';
import { errorSchema } from './api.schemas.js';
import { loginAnswerSchema, loginBodySchema, sessionStateSchema } from './auth.schemas.js';
import { errorBody } from './errors.js';

export interface LoginRateLimit {
  /** Attempts per client IP within the window. */
  max: number;
  timeWindowMs: number;
}

export const DEFAULT_LOGIN_RATE_LIMIT: LoginRateLimit = { max: 10, timeWindowMs: 5 * 60_000 };

export interface AuthDeps {
  sessions: SessionStore;
  signIn: SignIn;
  cookie: SessionCookie;
  loginRateLimit: LoginRateLimit;
}

/** Sign-in for the web UI: a session cookie for a Jellyfin user or the local admin. */
export async function authRoutes(appBase: FastifyInstance, deps: AuthDeps): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  // Only the login route is limited (route config below): guessing passwords is what it slows down,
  // and Jellyfin may lock an account out after a few wrong ones.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`too many sign-in attempts; try again in ${context.after}`), {
        statusCode: 429,
        code: 'rate_limited',
      }),
  });

  app.get(
    '/api/auth/session',
    {
      schema: {
        tags: ['auth'],
        summary: 'Who is signed in (no authentication needed), and which sign-in form to show',
        response: { 200: sessionStateSchema },
      },
    },
    async (request) => {
      const viewer = request.viewer;
      const signIn = deps.signIn.method();
      if (viewer?.kind !== 'session') return { user: null, csrfToken: null, signIn };
      return {
        user: { name: viewer.name, isAdmin: viewer.isAdmin, via: viewer.via },
        csrfToken: viewer.csrfToken,
        signIn,
      };
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit: { max: deps.loginRateLimit.max, timeWindow: deps.loginRateLimit.timeWindowMs } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a Jellyfin user (or the local admin); sets the session cookie',
        description: `401 invalid_credentials; 429 rate_limited (${deps.loginRateLimit.max} attempts per ${deps.loginRateLimit.timeWindowMs / 60_000} minutes per client IP); 502/503 jellyfin_unreachable.`,
        body: loginBodySchema,
        response: {
          200: loginAnswerSchema,
          400: errorSchema,
          401: errorSchema,
          429: errorSchema,
          502: errorSchema,
          503: errorSchema,
        },
      },
    },
    async (request, reply) => {
      const outcome = await deps.signIn.check(request.body.username, request.body.password);
      if (!outcome.ok) {
        if (outcome.code === 'jellyfin_unreachable') {
          return reply.code(outcome.status).send(errorBody(outcome.code, outcome.message));
        }
        return reply.code(401).send(errorBody(outcome.code, 'wrong username or password'));
      }
      // A sign-in replaces the session this browser had.
      if (request.viewer?.kind === 'session') deps.sessions.remove(request.viewer.sessionId);
      const { token, session } = deps.sessions.create(outcome.user);
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(deps.cookie));
      return {
        user: { name: session.name, isAdmin: session.isAdmin, via: session.via },
        csrfToken: session.csrfToken,
      };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: ends the session and clears the cookie (X-CSRF-Token needed)',
        response: { 204: z.null(), 403: errorSchema },
      },
    },
    async (request, reply) => {
      if (request.viewer?.kind === 'session') deps.sessions.remove(request.viewer.sessionId);
      clearSessionCookie(reply, deps.cookie);
      return reply.code(204).send(null);
    },
  );
}
