/**
 * Deluge through the Deluge Web JSON-RPC (`POST <base>/json`), checked against Deluge 2.0.3 (Debian 12
 * `deluged` + `deluge-web`, libtorrent 2.0.8) and contracts.md §6.5 (Radarr's Deluge client).
 *
 * - `auth.login [password]` answers `true` and sets the cookie `_session_id` (Path=/json), or `false`.
 *   A call without a valid session gets error code 1. Code 2 ("Unknown method") is also what Deluge Web
 *   says for a daemon method while it is not connected, so both lead to one fresh login and one retry.
 * - Deluge Web is only a front for `deluged` and does not reconnect by itself when the daemon restarts:
 *   `web.update_ui` then answers `{connected: false, torrents: null}`, and we connect it to the first
 *   online host of `web.get_hosts` (`web.connect [id]` answers the daemon's method list, or null).
 * - Content-Type must be exactly `application/json`; with `; charset=utf-8` Deluge answers error 5.
 * - `daemon.info` (what older docs use for the version) is not reachable through Deluge Web 2.0.3
 *   ("Unknown method"); `daemon.get_version` is, and `daemon.info` stays as the 1.3 fallback.
 *
 * State mapping (Deluge `state` → ours). "Finished" is libtorrent's `is_finished` (every wanted piece
 * is there), or `progress` 100 when Deluge leaves `is_finished` out.
 *
 * | Deluge        | condition                                              | state           |
 * |---------------|--------------------------------------------------------|-----------------|
 * | `Downloading` | total_size 0 (a magnet without metadata yet)           | `metadata`      |
 * | `Downloading` | payload rate 0 and no connected peer or seed           | `stalled`       |
 * | `Downloading` | otherwise                                              | `downloading`   |
 * | `Seeding`     | finished                                               | `completed`     |
 * | `Seeding`     | not finished (seen for a moment when lost data is rechecked) | `checking` |
 * | `Paused`      | finished                                               | `completed`     |
 * | `Paused`      | otherwise (also for a moment right after an add)       | `paused`        |
 * | `Queued`      | finished (queued for seeding)                          | `completed`     |
 * | `Queued`      | otherwise                                              | `queued`        |
 * | `Checking`, `Allocating` |                                             | `checking`      |
 * | `Moving`      |                                                        | `downloading`   |
 * | `Error`       | message says the data or its folder is missing         | `missing_files` |
 * | `Error`       | otherwise                                              | `failed`        |
 * | anything else | finished → `completed`, otherwise                      | `downloading`   |
 *
 * Stalled: Deluge has no such state; a download nobody serves is what qBittorrent calls `stalledDL`,
 * and the tracker should be able to tell it from a slow one. Only the peer counts (which we ask for)
 * decide it, so a client that does not send them keeps `downloading`.
 * In `Checking`, `Moving` and `Error` Deluge's `progress` is the progress of that task (100 in Error),
 * so progress there comes from the byte counts instead. ETA is only given while downloading: Deluge
 * sends 0 for "unknown", and while seeding the time to the stop ratio.
 */
import type { z } from 'zod';
import type { ClientDownloadState } from '../../domain/observations.js';
import {
  arrIdFromHash,
  clampProgress,
  type Downloader,
  type DownloaderConnection,
  type DownloadItem,
  isoFromEpochSeconds,
} from '../downloader/downloader.js';
import { IntegrationError } from '../shared/integration-error.js';
import { createServiceHttp, type HttpAnswer, parseJsonAnswer } from '../shared/service-http.js';
import {
  type DelugeEnvelope,
  type DelugeTorrent,
  delugeEnvelopeSchema,
  delugeHostStatusSchema,
  delugeHostsSchema,
  delugeUpdateUiSchema,
} from './deluge.schemas.js';

/** The torrent fields `listItems` asks `web.update_ui` for. */
export const DELUGE_TORRENT_FIELDS = [
  'hash',
  'name',
  'state',
  'progress',
  'eta',
  'message',
  'is_finished',
  'save_path',
  'download_location',
  'total_wanted',
  'total_done',
  'total_remaining',
  'total_size',
  'download_payload_rate',
  'upload_payload_rate',
  'time_added',
  'completed_time',
  'label',
  'num_peers',
  'num_seeds',
] as const;

const NOT_AUTHENTICATED = 1;
const UNKNOWN_METHOD = 2;
const SESSION_COOKIE = '_session_id';

export function createDelugeDownloader(connection: DownloaderConnection): Downloader {
  const http = createServiceHttp({ baseUrl: connection.url, resilience: connection.resilience });
  const password = connection.password ?? '';
  /** `_session_id=<value>`, as the last login set it. */
  let session: string | null = null;
  let nextId = 1;

  function readEnvelope(answer: HttpAnswer, method: string): DelugeEnvelope {
    if (answer.status === 401 || answer.status === 403) {
      throw new IntegrationError('unauthorized', `Deluge Web refused the request (HTTP ${answer.status})`, {
        status: answer.status,
      });
    }
    if (answer.status !== 200) {
      throw new IntegrationError('bad_response', `Deluge Web answered HTTP ${answer.status} to ${method}`, {
        status: answer.status,
      });
    }
    const parsed = delugeEnvelopeSchema.safeParse(parseJsonAnswer(answer, `Deluge ${method}`));
    if (!parsed.success) {
      throw new IntegrationError('bad_response', `Deluge ${method}: not a JSON-RPC answer`, {
        status: answer.status,
      });
    }
    const cookie = sessionCookie(answer.headers);
    if (cookie) session = cookie;
    return parsed.data;
  }

  function post(method: string, params: unknown[]): Promise<DelugeEnvelope> {
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    if (session) headers.Cookie = session;
    const body = JSON.stringify({ method, params, id: nextId++ });
    return http.call('json', { method: 'POST', headers, body }, (answer) => readEnvelope(answer, method));
  }

  async function login(): Promise<void> {
    session = null;
    const envelope = await post('auth.login', [password]);
    if (envelope.error) throw rpcFailure('auth.login', envelope.error);
    // 2.x answers true; a session id string is accepted too.
    if (envelope.result !== true && !(typeof envelope.result === 'string' && envelope.result !== '')) {
      session = null;
      throw new IntegrationError('unauthorized', 'Deluge Web refused the password');
    }
  }

  /** One call with the session; on "not authenticated" (or unknown method) one login and one retry. */
  async function callEnvelope(method: string, params: unknown[]): Promise<DelugeEnvelope> {
    if (session === null) await login();
    const first = await post(method, params);
    if (!isAuthError(first)) return first;
    await login();
    return post(method, params);
  }

  async function rpc(method: string, params: unknown[]): Promise<unknown> {
    const envelope = await callEnvelope(method, params);
    if (envelope.error) throw rpcFailure(method, envelope.error);
    return envelope.result;
  }

  /** Connects Deluge Web to the first of its hosts that answers (only when it is not connected). */
  async function connectToDaemon(): Promise<void> {
    const hosts = parseOrFail(delugeHostsSchema, await rpc('web.get_hosts', []), 'web.get_hosts');
    if (hosts.length === 0) {
      throw new IntegrationError(
        'bad_response',
        'Deluge Web is not connected to a daemon and has no daemon in its host list',
      );
    }
    let chosen = hosts[0];
    if (hosts.length > 1) {
      const statuses = await Promise.all(
        hosts.map(([id]) =>
          rpc('web.get_host_status', [id]).then(
            (status) => delugeHostStatusSchema.safeParse(status).data?.[1] ?? 'Offline',
            () => 'Offline',
          ),
        ),
      );
      chosen = hosts.find((_, index) =>
        ['online', 'connected'].includes(statuses[index]?.toLowerCase() ?? ''),
      );
    }
    if (!chosen) {
      throw new IntegrationError(
        'bad_response',
        `Deluge Web is not connected to a daemon, and none of its ${hosts.length} daemons is online`,
      );
    }
    const [id, host, port] = chosen;
    const methods = await rpc('web.connect', [id]);
    if (!Array.isArray(methods)) {
      throw new IntegrationError(
        'bad_response',
        `Deluge Web is not connected to a daemon (connecting to ${host}:${port} failed)`,
      );
    }
  }

  async function updateUi() {
    const result = await rpc('web.update_ui', [DELUGE_TORRENT_FIELDS, {}]);
    return parseOrFail(delugeUpdateUiSchema, result, 'web.update_ui');
  }

  async function daemonVersion(): Promise<string> {
    const envelope = await callEnvelope('daemon.get_version', []);
    if (!envelope.error && typeof envelope.result === 'string') return envelope.result;
    if (envelope.error && envelope.error.code !== UNKNOWN_METHOD)
      throw rpcFailure('daemon.get_version', envelope.error);
    const info = await rpc('daemon.info', []);
    if (typeof info === 'string' && info !== '') return info;
    throw new IntegrationError('bad_response', 'Deluge did not say its version');
  }

  return {
    kind: 'deluge',
    status: http.status,
    async testConnection() {
      await login();
      if ((await rpc('web.connected', [])) !== true) await connectToDaemon();
      return { version: await daemonVersion() };
    },
    async listItems() {
      let ui = await updateUi();
      if (!ui.connected) {
        await connectToDaemon();
        ui = await updateUi();
        if (!ui.connected)
          throw new IntegrationError('bad_response', 'Deluge Web is not connected to a daemon');
      }
      return Object.entries(ui.torrents ?? {}).map(([hash, torrent]) => toDownloadItem(hash, torrent));
    },
  };
}

function sessionCookie(headers: Headers): string | null {
  for (const line of headers.getSetCookie()) {
    const pair = line.split(';', 1)[0]?.trim() ?? '';
    if (pair.startsWith(`${SESSION_COOKIE}=`) && pair.length > SESSION_COOKIE.length + 1) return pair;
  }
  return null;
}

function isAuthError(envelope: DelugeEnvelope): boolean {
  const code = envelope.error?.code;
  return code === NOT_AUTHENTICATED || code === UNKNOWN_METHOD;
}

function rpcFailure(method: string, error: { code: number; message?: string | undefined }): IntegrationError {
  if (error.code === NOT_AUTHENTICATED) {
    return new IntegrationError('unauthorized', `Deluge Web did not accept the session for ${method}`);
  }
  if (error.code === UNKNOWN_METHOD) {
    return new IntegrationError(
      'bad_response',
      `Deluge Web does not know ${method} (is the plugin enabled and the daemon connected?)`,
    );
  }
  // Daemon errors carry a whole Python traceback; the first line says what happened.
  const message = (error.message ?? '').split('\n', 1)[0]?.slice(0, 300) ?? '';
  return new IntegrationError('bad_response', `Deluge ${method} failed (code ${error.code}): ${message}`);
}

function parseOrFail<T>(schema: z.ZodType<T>, value: unknown, method: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new IntegrationError('bad_response', `Deluge ${method}: unexpected answer`);
  return parsed.data;
}

/** States in which Deluge's `progress` is not the download's progress. */
const TASK_PROGRESS_STATES = new Set(['Checking', 'Allocating', 'Moving', 'Error']);

const MISSING_DATA = /missing|no such file|unable to locate|not found/i;

/** libtorrent's is_finished (every wanted piece is there); progress 100 only where it means download. */
function isFinished(torrent: DelugeTorrent): boolean {
  if (torrent.is_finished !== undefined) return torrent.is_finished;
  return !TASK_PROGRESS_STATES.has(torrent.state ?? '') && (torrent.progress ?? 0) >= 100;
}

function delugeState(torrent: DelugeTorrent): ClientDownloadState {
  const finished = isFinished(torrent);
  switch (torrent.state) {
    case 'Downloading': {
      if (torrent.total_size === 0) return 'metadata';
      const peers = torrent.num_peers;
      const seeds = torrent.num_seeds;
      const idle = (torrent.download_payload_rate ?? 0) === 0 && peers === 0 && seeds === 0;
      return idle ? 'stalled' : 'downloading';
    }
    case 'Seeding':
      return finished ? 'completed' : 'checking';
    case 'Paused':
      return finished ? 'completed' : 'paused';
    case 'Queued':
      return finished ? 'completed' : 'queued';
    case 'Checking':
    case 'Allocating':
      return 'checking';
    case 'Moving':
      return 'downloading';
    case 'Error':
      return MISSING_DATA.test(torrent.message ?? '') ? 'missing_files' : 'failed';
    default:
      return finished ? 'completed' : 'downloading';
  }
}

function progressOf(torrent: DelugeTorrent, sizeBytes: number, remainingBytes: number): number {
  if (TASK_PROGRESS_STATES.has(torrent.state ?? '') && sizeBytes > 0) {
    return clampProgress((sizeBytes - remainingBytes) / sizeBytes);
  }
  return clampProgress((torrent.progress ?? 0) / 100);
}

function joinPath(folder: string, name: string): string {
  const windows = folder.includes('\\') && !folder.includes('/');
  const separator = windows ? '\\' : '/';
  return folder.endsWith(separator) ? `${folder}${name}` : `${folder}${separator}${name}`;
}

function wholeBytes(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : Math.max(0, Math.round(value));
}

function toDownloadItem(key: string, torrent: DelugeTorrent): DownloadItem {
  const hash = (torrent.hash ?? key).toLowerCase();
  const state = delugeState(torrent);
  const sizeBytes = wholeBytes(torrent.total_wanted) ?? wholeBytes(torrent.total_size) ?? 0;
  const remainingBytes =
    wholeBytes(torrent.total_remaining) ?? Math.max(0, sizeBytes - (wholeBytes(torrent.total_done) ?? 0));
  const savePath = torrent.download_location ?? torrent.save_path ?? null;
  const name = torrent.name ?? hash;
  const eta = torrent.eta ?? 0;
  const downloading = state === 'downloading' || state === 'stalled';
  return {
    clientId: hash,
    arrId: arrIdFromHash(hash),
    name,
    category: torrent.label ? torrent.label : null,
    state,
    progress: progressOf(torrent, sizeBytes, remainingBytes),
    sizeBytes,
    remainingBytes: Math.min(remainingBytes, sizeBytes),
    downloadSpeed: Math.max(0, torrent.download_payload_rate ?? 0),
    uploadSpeed: Math.max(0, torrent.upload_payload_rate ?? 0),
    etaSeconds: downloading && Number.isFinite(eta) && eta > 0 ? Math.round(eta) : null,
    error: torrent.state === 'Error' ? torrent.message || 'Deluge reports an error' : null,
    savePath,
    contentPath: savePath && name ? joinPath(savePath, name) : null,
    addedAt: isoFromEpochSeconds(torrent.time_added),
    completedAt: isFinished(torrent) ? isoFromEpochSeconds(torrent.completed_time) : null,
  };
}
