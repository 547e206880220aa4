/**
 * Shapes of the Deluge Web JSON-RPC answers we read (Deluge 2.0.3 `deluge/ui/web/json_api.py`, observed
 * on the Debian 12 package; contracts.md §6.5). Loose objects: Deluge adds keys between versions and
 * drops unknown field names from `web.update_ui` without a word, so every torrent field is optional.
 */
import { z } from 'zod';

/** `{"message": "...", "code": n}`: 1 not authenticated, 2 unknown method, 3 local error, 4 daemon error, 5 bad request. */
export const delugeRpcErrorSchema = z.looseObject({
  message: z.string().optional(),
  code: z.number().int(),
});

/** Every answer, success or not, comes as HTTP 200 with this envelope. */
export const delugeEnvelopeSchema = z.looseObject({
  result: z.unknown().optional(),
  error: delugeRpcErrorSchema.nullable().optional(),
  id: z.union([z.number(), z.string()]).nullable().optional(),
});

export type DelugeEnvelope = z.infer<typeof delugeEnvelopeSchema>;

/** One torrent of `web.update_ui` → `torrents`, keyed by lowercase hash; only the keys asked for. */
export const delugeTorrentSchema = z.looseObject({
  hash: z.string().optional(),
  name: z.string().optional(),
  state: z.string().optional(),
  /** 0..100 of the torrent's *current task*: download, but checking/moving progress, and 100 in Error. */
  progress: z.number().optional(),
  /** Seconds; 0 when not downloading (or the time to the stop ratio while seeding). */
  eta: z.number().optional(),
  /** `OK`, or the error text in state Error. */
  message: z.string().optional(),
  is_finished: z.boolean().optional(),
  save_path: z.string().optional(),
  /** The 2.x name of `save_path` (both are sent by 2.0.3). */
  download_location: z.string().optional(),
  total_wanted: z.number().optional(),
  total_done: z.number().optional(),
  /** total_wanted − total_wanted_done (2.x). */
  total_remaining: z.number().optional(),
  total_size: z.number().optional(),
  download_payload_rate: z.number().optional(),
  upload_payload_rate: z.number().optional(),
  /** Epoch seconds (float). */
  time_added: z.number().optional(),
  /** Epoch seconds; 0 until complete (2.x). */
  completed_time: z.number().optional(),
  /** Label plugin; `''` when none, absent when the plugin is off. */
  label: z.string().optional(),
  /** Connected peers that are not seeds. */
  num_peers: z.number().optional(),
  num_seeds: z.number().optional(),
});

export type DelugeTorrent = z.infer<typeof delugeTorrentSchema>;

/** `web.update_ui` result. `torrents` is null while Deluge Web is not connected to a daemon. */
export const delugeUpdateUiSchema = z.looseObject({
  connected: z.boolean(),
  torrents: z.record(z.string(), delugeTorrentSchema).nullable().optional(),
});

/** `web.get_hosts`: `[[id, host, port, username], ...]` (the password is kept back). */
export const delugeHostsSchema = z.array(z.tuple([z.string(), z.string(), z.number()]).rest(z.unknown()));

/** `web.get_host_status [id]`: `[id, "Online" | "Offline" | "Connected", version]`. */
export const delugeHostStatusSchema = z.tuple([z.string(), z.string()]).rest(z.unknown());
