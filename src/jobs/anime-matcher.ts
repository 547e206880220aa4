import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Observation } from '../domain/observations.js';
import { pathTailMatches, type ShokoClient } from '../integrations/shoko/shoko.client.js';
import type { ShokoFileEvent } from '../integrations/shoko/shoko-events.js';
import type { LibraryCandidate, LibraryQueries } from '../tracker/library-queries.js';
import type { Tracker } from '../tracker/tracker.js';

/** REST look-ups per catch-up run, so a long backlog never floods Shoko. */
const CATCH_UP_LIMIT = 50;

/** Imported files of anime requests that Shoko has not matched yet. */
function waiting(candidates: LibraryCandidate[]): Array<{ candidate: LibraryCandidate; path: string }> {
  return candidates
    .filter((c) => c.row.isAnime && c.importedPaths.length > 0)
    .flatMap((candidate) =>
      candidate.importedPaths
        .filter((path) => !candidate.matchedPaths.includes(path))
        .map((path) => ({ candidate, path })),
    );
}

/**
 * Turns what Shoko says about files into observations on the anime requests whose imported files
 * they are. Shoko and the *arr mount the library under different roots, so a Shoko file is matched
 * to an imported file by the tail of its path. Events come over SignalR; `catchUp` asks Shoko's REST
 * API for the files still waiting, for events missed while disconnected.
 */
export function createAnimeMatcher({
  shoko,
  library,
  tracker,
  clock,
  logger,
}: {
  shoko: ShokoClient;
  library: LibraryQueries;
  tracker: Tracker;
  clock: Clock;
  logger: Logger;
}) {
  function observe(
    candidate: LibraryCandidate,
    fact:
      | { kind: 'anime_matched'; path: string }
      | { kind: 'anime_not_matched'; path: string; reason: string },
  ): Observation {
    return {
      ...fact,
      source: 'shoko',
      at: clock.now().toISOString(),
      media: { mediaType: candidate.row.mediaType },
      requestId: candidate.row.id,
    };
  }

  return {
    /** A SignalR event: only matched and not-matched concern requests. */
    async onEvent(event: ShokoFileEvent): Promise<void> {
      if (event.kind !== 'matched' && event.kind !== 'not_matched') return;
      let paths = event.relativePath ? [event.relativePath] : [];
      // Shoko 6 announces a match by file id alone; the path is on the file.
      if (paths.length === 0 && event.fileId !== undefined) {
        paths = (await shoko.getFile(event.fileId))?.relativePaths ?? [];
      }
      const observations = waiting(library.openRequests())
        .filter(({ path }) =>
          paths.some((shokoRelativePath) => pathTailMatches({ shokoRelativePath, importedPath: path })),
        )
        .map(({ candidate, path }) =>
          event.kind === 'matched'
            ? observe(candidate, { kind: 'anime_matched', path })
            : observe(candidate, {
                kind: 'anime_not_matched',
                path,
                reason: event.reason ?? 'Shoko could not find the file on AniDB',
              }),
        );
      if (observations.length > 0) tracker.ingest(observations);
    },

    /** Asks Shoko about every imported anime file still waiting; returns how many it matched. */
    async catchUp(): Promise<number> {
      const todo = waiting(library.openRequests()).slice(0, CATCH_UP_LIMIT);
      const observations: Observation[] = [];
      for (const { candidate, path } of todo) {
        try {
          const files = await shoko.findFilesByPath(path);
          if (files.some((file) => file.matched))
            observations.push(observe(candidate, { kind: 'anime_matched', path }));
        } catch (error) {
          logger.warn({ err: error, path }, 'Shoko look-up failed');
          break; // Shoko is down: the next run tries again.
        }
      }
      if (observations.length > 0) tracker.ingest(observations);
      return observations.length;
    },
  };
}

export type AnimeMatcher = ReturnType<typeof createAnimeMatcher>;
