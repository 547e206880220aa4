import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import * as schema from '../db/schema.js';
import type { DownloadView } from '../domain/derive.js';
import { downloadKey } from '../domain/observations.js';
import type { MediaType } from '../domain/states.js';

/** A download the tracker follows: an attempt of an open request that has not been imported yet. */
export interface FollowedDownload {
  requestId: string;
  mediaType: MediaType;
  download: DownloadView;
}

/** Download states that need the client no more: the *arr has taken over (or gave up on it). */
const SETTLED = new Set<DownloadView['state']>(['imported']);

export interface UnclaimedDownload {
  serviceId: string;
  arrId: string;
  name: string;
  category: string | null;
  contentPath: string | null;
  sizeBytes: number;
  completedAt: string | null;
}

/** What the poll job reads and remembers about downloads. */
export function createDownloadQueries({ db }: { db: Db }) {
  const upsertUnclaimed = db.$client.prepare(
    `insert into unclaimed_downloads
       (service_id, arr_id, name, category, content_path, size_bytes, completed_at, first_seen_at, last_seen_at)
     values (@serviceId, @arrId, @name, @category, @contentPath, @sizeBytes, @completedAt, @at, @at)
     on conflict(service_id, arr_id) do update set name = excluded.name, category = excluded.category,
       content_path = excluded.content_path, size_bytes = excluded.size_bytes,
       completed_at = excluded.completed_at, last_seen_at = excluded.last_seen_at`,
  );
  return {
    followed(): FollowedDownload[] {
      const rows = db
        .select({
          id: schema.requests.id,
          mediaType: schema.requests.mediaType,
          downloads: schema.requests.downloads,
        })
        .from(schema.requests)
        .where(
          and(
            notInArray(schema.requests.state, ['available', 'declined', 'deleted']),
            sql`${schema.requests.downloads} <> '[]'`,
          ),
        )
        .all();
      return rows.flatMap((row) =>
        (JSON.parse(row.downloads) as DownloadView[])
          .filter((download) => !SETTLED.has(download.state))
          .map((download) => ({ requestId: row.id, mediaType: row.mediaType, download })),
      );
    },
    /** Whether any request (open or finished) knows this download key. */
    isKnown(downloadKey: string): boolean {
      return (
        db
          .select({ key: schema.requestKeys.key })
          .from(schema.requestKeys)
          .where(eq(schema.requestKeys.key, `dl:${downloadKey}`))
          .get() !== undefined
      );
    },
    rememberUnclaimed(items: UnclaimedDownload[], at: string): void {
      const write = db.$client.transaction((rows: UnclaimedDownload[]) => {
        for (const row of rows) upsertUnclaimed.run({ ...row, at });
      });
      write(items);
    },
    unclaimed(): Array<UnclaimedDownload & { firstSeenAt: string; lastSeenAt: string }> {
      return db.select().from(schema.unclaimedDownloads).all();
    },
    /** Drops what a request has since claimed (a late Grab webhook, a reconcile). */
    forgetClaimed(): void {
      for (const row of db.select().from(schema.unclaimedDownloads).all()) {
        if (!this.isKnown(downloadKey(row.arrId))) continue;
        db.delete(schema.unclaimedDownloads)
          .where(
            and(
              eq(schema.unclaimedDownloads.serviceId, row.serviceId),
              eq(schema.unclaimedDownloads.arrId, row.arrId),
            ),
          )
          .run();
      }
    },
  };
}

export type DownloadQueries = ReturnType<typeof createDownloadQueries>;
