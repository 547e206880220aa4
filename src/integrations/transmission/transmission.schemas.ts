/**
 * Transmission RPC answers, the parts the tracker reads (legacy kebab-case methods and camelCase
 * fields, contracts.md §6.2; checked against transmission-daemon 3.00, RPC version 16). Loose
 * objects: every other key passes through.
 */
import { z } from 'zod';

/** Every answer: `result` is `"success"` or the error text; `tag` echoes the request's. */
export const trEnvelopeSchema = z.looseObject({
  result: z.string(),
  arguments: z.unknown().optional(),
  tag: z.number().optional(),
});

/** `session-get` with fields `version`, `rpc-version`. */
export const trSessionSchema = z.looseObject({
  /** `"3.00 (bb6b5a062e)"`: release and build. */
  version: z.string(),
  'rpc-version': z.number().optional(),
});

/**
 * One torrent as `torrent-get` returns it. 3.00 answers a field it does not know with `0` instead
 * of leaving it out, so the fields older daemons lack (`labels` before RPC 16, `isStalled` before
 * RPC 14) fall back to "absent" when they are not what they should be.
 */
export const trTorrentSchema = z.looseObject({
  /** Lowercase hex info hash: the only stable key (integer `id`s change across restarts). */
  hashString: z.string().min(1),
  name: z.string(),
  /** Folder the torrent's content is saved in. */
  downloadDir: z.string().optional(),
  /** Bytes of all files. */
  totalSize: z.number().optional(),
  /** Bytes of the wanted files: what the download is when complete. */
  sizeWhenDone: z.number(),
  /** Bytes of the wanted files still missing. */
  leftUntilDone: z.number(),
  /** 0..1 of `sizeWhenDone`. */
  percentDone: z.number(),
  /** 0..1 of the metadata; below 1 for a magnet link still looking for it. */
  metadataPercentComplete: z.number().optional(),
  /** 0 stopped, 1 check-wait, 2 checking, 3 download-wait, 4 downloading, 5 seed-wait, 6 seeding. */
  status: z.number().int(),
  /** 0 none, 1 tracker warning, 2 tracker error, 3 local error. */
  error: z.number().int().optional(),
  errorString: z.string().optional(),
  /** Seconds; -1 not available, -2 unknown. For a seeding torrent: time to its seed ratio. */
  eta: z.number().optional(),
  /** Bytes per second. */
  rateDownload: z.number().optional(),
  rateUpload: z.number().optional(),
  /** Epoch seconds; 0 when unset. */
  addedDate: z.number().optional(),
  /** Epoch seconds; 0 until a download finishes (also for data that was already there). */
  doneDate: z.number().optional(),
  labels: z.array(z.string()).optional().catch(undefined),
  /** No transfer for `queue-stalled-minutes` (RPC 14+). */
  isStalled: z.boolean().optional().catch(undefined),
});

export type TrTorrent = z.infer<typeof trTorrentSchema>;

/** `torrent-get` arguments. */
export const trTorrentGetSchema = z.looseObject({
  torrents: z.array(trTorrentSchema),
});
