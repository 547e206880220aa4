import { and, eq, inArray, notInArray } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import * as schema from '../db/schema.js';
import type { EpisodeView } from '../domain/derive.js';
import type { ArrRef, Observation } from '../domain/observations.js';
import type { State } from '../domain/states.js';
import type { RequestRow } from './request-views.js';

/** An open request the library checks may have news for. */
export interface LibraryCandidate {
  row: RequestRow;
  state: State;
  episodes: EpisodeView[];
  /** Library paths of every file the *arr imported for it (newest last). */
  importedPaths: string[];
  /** Paths Shoko has already matched (`anime_matched`). */
  matchedPaths: string[];
  /** Jellyseerr said "available": a hint to confirm with Jellyfin. */
  availableHint: boolean;
  /** Downloads the client reported complete, with the id as the *arr knows it and the client's path. */
  completedDownloads: Array<{ downloadId: string; path: string | null }>;
  /** The *arr item (instance name and Radarr movie / Sonarr series id), when an *arr spoke of it. */
  arr: ArrRef | null;
}

interface Facts {
  imported: string[];
  matched: string[];
  hint: boolean;
  completed: Map<string, string | null>;
  arr: ArrRef | null;
}

/** States after which Jellyfin (or Shoko) is what the request waits for. */
export const WAITING_FOR_LIBRARY: readonly State[] = ['importing', 'anime_matching'];

/** What the verify job and the Shoko matcher read. */
export function createLibraryQueries({ db }: { db: Db }) {
  const factsOf = (requestIds: string[]) =>
    requestIds.length === 0
      ? []
      : db
          .select({ requestId: schema.requestObservations.requestId, data: schema.observations.data })
          .from(schema.requestObservations)
          .innerJoin(
            schema.observations,
            eq(schema.observations.id, schema.requestObservations.observationId),
          )
          .where(
            and(
              inArray(schema.requestObservations.requestId, requestIds),
              inArray(schema.observations.kind, [
                'imported',
                'anime_matched',
                'available_hint',
                'grabbed',
                'download_completed',
              ]),
            ),
          )
          .orderBy(schema.observations.id)
          .all();

  return {
    /** Every request not finished (nor failed, unless asked), with what the library checks need to know. */
    openRequests({ includeFailed = false }: { includeFailed?: boolean } = {}): LibraryCandidate[] {
      const closed = ['available', 'declined', 'deleted', ...(includeFailed ? [] : ['failed'])];
      const rows = db.select().from(schema.requests).where(notInArray(schema.requests.state, closed)).all();
      const byRequest = new Map<string, Facts>();
      for (const fact of factsOf(rows.map((r) => r.id))) {
        const entry: Facts = byRequest.get(fact.requestId) ?? {
          imported: [],
          matched: [],
          hint: false,
          completed: new Map(),
          arr: null,
        };
        const o = JSON.parse(fact.data) as Observation;
        if (o.kind === 'imported') entry.imported.push(...o.files.map((f) => f.path));
        if (o.kind === 'anime_matched') entry.matched.push(o.path);
        if (o.kind === 'available_hint') entry.hint = true;
        if (o.kind === 'download_completed') entry.completed.set(o.download.id, o.download.path ?? null);
        if (o.media.arr) entry.arr = o.media.arr;
        byRequest.set(fact.requestId, entry);
      }
      return rows.map((row) => {
        const facts = byRequest.get(row.id);
        return {
          row,
          state: row.state as State,
          episodes: JSON.parse(row.episodes) as EpisodeView[],
          importedPaths: [...new Set(facts?.imported ?? [])],
          matchedPaths: [...new Set(facts?.matched ?? [])],
          availableHint: facts?.hint ?? false,
          completedDownloads: [...(facts?.completed ?? new Map<string, string | null>())].map(
            ([downloadId, path]) => ({
              downloadId,
              path,
            }),
          ),
          arr: facts?.arr ?? null,
        };
      });
    },
  };
}

export type LibraryQueries = ReturnType<typeof createLibraryQueries>;
