/**
 * qBittorrent WebAPI v2 answers, the fields the tracker reads (contracts.md §6.1; checked against
 * qbittorrent-nox 4.5.2, WebAPI 2.8.19). Loose objects: every other field passes through.
 */
import { z } from 'zod';

/**
 * One torrent as `torrents/info` lists it and as a `sync/maindata` full update carries it (there
 * keyed by hash, without the `hash` field). Fields older or newer builds may leave out are optional.
 */
export const qbTorrentSchema = z.looseObject({
  name: z.string(),
  /** Bytes of the selected files. */
  size: z.number(),
  /** 0..1. */
  progress: z.number(),
  /** Bytes per second. */
  dlspeed: z.number(),
  upspeed: z.number(),
  /** Seconds; 8640000 means infinity. */
  eta: z.number(),
  state: z.string(),
  /** '' when uncategorised. */
  category: z.string().optional(),
  save_path: z.string().optional(),
  /** Absolute once the torrent is loaded; 4.5.2 sends the bare name while `checkingResumeData`. */
  content_path: z.string().optional(),
  /** Epoch seconds. */
  added_on: z.number().optional(),
  /** Epoch seconds; ≤ 0 when never completed. */
  completion_on: z.number().optional(),
  /** Bytes still missing of the selected files. */
  amount_left: z.number(),
});

export type QbTorrent = z.infer<typeof qbTorrentSchema>;

/** `GET /api/v2/torrents/info`: an array of torrents, each with its lowercase `hash`. */
export const qbTorrentListSchema = z.array(qbTorrentSchema.extend({ hash: z.string().min(1) }));

/** An incremental `sync/maindata` entry: only the fields that changed since the last answer. */
export const qbTorrentDeltaSchema = qbTorrentSchema.partial();

/**
 * `GET /api/v2/sync/maindata?rid=N`. Incremental answers leave out `full_update` and every key
 * with nothing to say (4.5.2 answers `{"rid":2}` when nothing changed).
 */
export const qbMaindataSchema = z.looseObject({
  rid: z.number().int(),
  full_update: z.boolean().optional(),
  torrents: z.record(z.string(), qbTorrentDeltaSchema).optional(),
  torrents_removed: z.array(z.string()).optional(),
});

export type QbMaindata = z.infer<typeof qbMaindataSchema>;
