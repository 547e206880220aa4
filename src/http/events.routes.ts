import type { FastifyInstance } from 'fastify';
import type { SessionStore } from '../auth/sessions.js';
import { maySeeRequest, onlyRequestsOf } from '../auth/viewer.js';
import type { EventBus, TrackerEvent } from '../tracker/event-bus.js';
import type { RequestQueries } from '../tracker/request-queries.js';
import { API_SECURITY, signedIn } from './access.js';

export interface EventsDeps {
  bus: EventBus;
  queries: RequestQueries;
  /** A stream opened with a session cookie ends with its session (sign-out, expiry). */
  sessions: Pick<SessionStore, 'onEnded'>;
  /** Milliseconds between heartbeat comments (api.md: at most 15 s). */
  heartbeatMs: number;
}

function frame(event: { id: number; name: string; data: string }): string {
  return `id: ${event.id}\nevent: ${event.name}\ndata: ${event.data}\n\n`;
}

function requestedByOf(data: unknown): string | null {
  const requestedBy = (data as { requestedBy?: unknown } | null)?.requestedBy;
  return typeof requestedBy === 'string' ? requestedBy : null;
}

/**
 * `GET /api/events`: Server-Sent Events. Replays what a client missed after `Last-Event-ID` (header,
 * or `?lastEventId=` for the first connection), then streams live events, with a heartbeat comment.
 * A Jellyfin user who is not an administrator gets the events of their own requests only.
 */
export async function eventsRoutes(app: FastifyInstance, deps: EventsDeps): Promise<void> {
  app.get(
    '/api/events',
    {
      schema: { tags: ['events'], summary: 'Live request updates (SSE)', security: API_SECURITY },
      onRequest: signedIn,
    },
    (request, reply) => {
      const viewer = request.viewer;
      const filtered = onlyRequestsOf(viewer) !== null;
      const query = request.query as Record<string, string | undefined>;
      const lastHeader = request.headers['last-event-id'];
      const lastId = Number(typeof lastHeader === 'string' ? lastHeader : (query.lastEventId ?? 'NaN'));

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 3000\n\n');

      // Subscribing and replaying happen in one synchronous step, so no event falls in between.
      let sentUpTo = 0;
      const send = (event: TrackerEvent) => {
        if (event.id <= sentUpTo) return;
        sentUpTo = event.id;
        if (filtered && !maySeeRequest(viewer, requestedByOf(event.data))) return;
        res.write(frame({ id: event.id, name: event.name, data: JSON.stringify(event.data) }));
      };
      const unsubscribe = deps.bus.subscribe(send);
      if (Number.isFinite(lastId)) {
        for (const row of deps.queries.eventsAfter(lastId)) {
          sentUpTo = row.id;
          if (filtered && !maySeeRequest(viewer, requestedByOf(JSON.parse(row.data)))) continue;
          res.write(frame(row));
        }
      }
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), deps.heartbeatMs);
      heartbeat.unref();
      const sessionId = viewer?.kind === 'session' ? viewer.sessionId : null;
      const stopWatchingSession = deps.sessions.onEnded((ended) => {
        if (ended === sessionId) res.end();
      });
      request.raw.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        stopWatchingSession();
      });
    },
  );
}
