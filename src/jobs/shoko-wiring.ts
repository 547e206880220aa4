import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { ResilienceOptions } from '../integrations/shared/service-http.js';
import { createShokoEvents, type ShokoEvents } from '../integrations/shoko/shoko-events.js';
import type { ServiceConnections } from '../services/service-connections.js';
import type { LibraryQueries } from '../tracker/library-queries.js';
import type { Tracker } from '../tracker/tracker.js';
import { type AnimeMatcher, createAnimeMatcher } from './anime-matcher.js';

/**
 * Shoko in the tracker: the SignalR connection to the first configured Shoko (reconnecting with
 * backoff), its events handed to the anime matcher, and a REST catch-up after every (re)connect for
 * what was missed while disconnected. `start()` again after the services change picks up a new,
 * changed or removed Shoko.
 */
export function createShokoWiring({
  connections,
  library,
  tracker,
  clock,
  logger,
  resilience,
}: {
  connections: ServiceConnections;
  library: LibraryQueries;
  tracker: Tracker;
  clock: Clock;
  logger: Logger;
  resilience?: ResilienceOptions | undefined;
}) {
  let current: { version: string; id: string; events: ShokoEvents; matcher: AnimeMatcher } | null = null;
  let queue: Promise<void> = Promise.resolve();

  async function stop(): Promise<void> {
    const old = current;
    current = null;
    await old?.events.stop();
  }

  return {
    /** The matcher of the configured Shoko, or null when there is none. */
    matcher: (): AnimeMatcher | null => current?.matcher ?? null,
    /** Connects to the configured Shoko (again, if it changed). */
    start(): void {
      // One change at a time, in order: two quick service edits never leave two connections.
      queue = queue
        .then(async () => {
          const shoko = connections.all().find((c) => c.shoko !== null);
          if (
            current &&
            shoko &&
            current.id === shoko.instance.id &&
            current.version === shoko.instance.version
          ) {
            return;
          }
          await stop();
          if (!shoko?.shoko) return;
          const matcher = createAnimeMatcher({ shoko: shoko.shoko, library, tracker, clock, logger });
          const events = createShokoEvents({
            url: shoko.instance.url,
            apiKey: shoko.instance.secrets.apiKey ?? '',
            resilience,
            onEvent: (event) => matcher.onEvent(event),
            onState: (change) => {
              logger.info(
                { service: shoko.instance.name, state: change.state, error: change.error },
                'Shoko events',
              );
              if (change.state === 'connected') {
                void matcher
                  .catchUp()
                  .catch((error: unknown) => logger.warn({ err: error }, 'Shoko catch-up failed'));
              }
            },
            log: (message) => logger.warn({ service: shoko.instance.name }, message),
          });
          current = { id: shoko.instance.id, version: shoko.instance.version, events, matcher };
          events.start();
        })
        .catch((error: unknown) => logger.error({ err: error }, 'Shoko connection could not be set up'));
    },
    async stop(): Promise<void> {
      queue = queue.then(stop);
      await queue;
    },
    /** `connected`, `reconnecting` or `disconnected`; null without Shoko. */
    state: () => current?.events.state() ?? null,
  };
}

export type ShokoWiring = ReturnType<typeof createShokoWiring>;
