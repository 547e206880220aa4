import { z } from 'zod';

/** The signed-in person, as the UI shows them. */
export const sessionUserSchema = z.object({
  name: z.string(),
  isAdmin: z.boolean(),
  via: z.enum(['jellyfin', 'local']),
});

export const sessionStateSchema = z.object({
  user: sessionUserSchema.nullable(),
  /** Send it back in `X-CSRF-Token` with every change made through the session cookie. */
  csrfToken: z.string().nullable(),
  /** Which form to show: Jellyfin's users (when a Jellyfin is configured), or the local `admin`. */
  signIn: z.enum(['jellyfin', 'local']),
});

export const loginBodySchema = z.object({
  username: z.string().trim().min(1, 'a username is needed').max(256),
  // Jellyfin allows users without a password: an empty one is a valid attempt.
  password: z.string().max(1024),
});

export const loginAnswerSchema = z.object({ user: sessionUserSchema, csrfToken: z.string() });
