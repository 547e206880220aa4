import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { eq, lte } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import * as schema from '../db/schema.js';

/** Who a session belongs to. */
export interface SessionUser {
  /** The Jellyfin user's name as Jellyfin spells it, or `admin`. */
  name: string;
  jellyfinUserId: string | null;
  isAdmin: boolean;
  via: 'jellyfin' | 'local';
}

export interface Session extends SessionUser {
  id: string;
  csrfToken: string;
  expiresAt: string;
}

const DAY_MS = 86_400_000;
/**
 * A used session's expiry moves forward at most once a minute: every API call of a busy page would
 * otherwise be a durable write.
 */
const RENEW_AFTER_MS = 60_000;

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const randomToken = () => randomBytes(32).toString('base64url');

function toSession(row: typeof schema.sessions.$inferSelect): Session {
  return {
    id: row.id,
    name: row.userName,
    jellyfinUserId: row.jellyfinUserId,
    isAdmin: row.isAdmin,
    via: row.via,
    csrfToken: row.csrfToken,
    expiresAt: row.expiresAt,
  };
}

/**
 * UI sessions in SQLite, keyed by a SHA-256 of the cookie's token. Sliding expiry: a session lasts
 * `days` after it was last used. Times come from the injected clock.
 */
export function createSessionStore({ db, clock, days }: { db: Db; clock: Clock; days: number }) {
  const lifetimeMs = days * DAY_MS;
  /** Who holds something open for a session (event streams) and must let go when it ends. */
  const endListeners = new Set<(sessionId: string) => void>();

  function remove(id: string): void {
    db.delete(schema.sessions).where(eq(schema.sessions.id, id)).run();
    for (const listener of endListeners) listener(id);
  }

  return {
    lifetimeMs,

    /** Opens a session; the token goes into the cookie and is never stored. */
    create(user: SessionUser): { token: string; session: Session } {
      const now = clock.now();
      // Sessions nobody came back to are cleared here, where a write happens anyway.
      db.delete(schema.sessions).where(lte(schema.sessions.expiresAt, now.toISOString())).run();
      const token = randomToken();
      const row = {
        id: randomUUID(),
        tokenHash: hashSessionToken(token),
        userName: user.name,
        jellyfinUserId: user.jellyfinUserId,
        isAdmin: user.isAdmin,
        via: user.via,
        csrfToken: randomToken(),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
        lastSeenAt: now.toISOString(),
      };
      db.insert(schema.sessions).values(row).run();
      return { token, session: toSession(row) };
    },

    /**
     * The live session of a cookie token, or null (unknown, or expired: then deleted). `renewed`
     * says its expiry just moved forward, so the cookie's lifetime should too.
     */
    find(token: string): { session: Session; renewed: boolean } | null {
      const row = db
        .select()
        .from(schema.sessions)
        .where(eq(schema.sessions.tokenHash, hashSessionToken(token)))
        .get();
      if (!row) return null;
      const now = clock.now();
      if (Date.parse(row.expiresAt) <= now.getTime()) {
        remove(row.id);
        return null;
      }
      if (now.getTime() - Date.parse(row.lastSeenAt) < RENEW_AFTER_MS) {
        return { session: toSession(row), renewed: false };
      }
      const renewed = {
        lastSeenAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + lifetimeMs).toISOString(),
      };
      db.update(schema.sessions).set(renewed).where(eq(schema.sessions.id, row.id)).run();
      return { session: toSession({ ...row, ...renewed }), renewed: true };
    },

    remove,

    /** Calls `listener` with the id of every session that ends (sign-out, expiry); returns an unsubscribe. */
    onEnded(listener: (sessionId: string) => void): () => void {
      endListeners.add(listener);
      return () => endListeners.delete(listener);
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;
