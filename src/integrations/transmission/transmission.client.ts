/**
 * Transmission RPC (`docs/rpc-spec.md`, contracts.md §6.2) with the legacy kebab-case methods and
 * camelCase fields, which every release from 2.x to 4.x answers (4.1 added snake_case but keeps the
 * old names until 5.0). Checked against the real transmission-daemon 3.00 (RPC version 16, Debian 12).
 *
 * Transport: `POST <url>/transmission/rpc`, HTTP Basic auth, and a CSRF handshake: a request without
 * the current `X-Transmission-Session-Id` gets 409 carrying the id; we keep it and send the same
 * request once more. The id changes when the daemon restarts (and, in 3.00, every hour).
 *
 * Credentials: 3.00 answers 401 to a wrong password and, after 100 failures in a row (a success
 * resets the count), 403 to everyone, the right password included, until it is restarted. So a
 * refused password is not tried again on every poll (that would lock Radarr and Sonarr out of the
 * same daemon); `testConnection()` tries again, since a person asked.
 *
 * Restarts: 3.00 answers RPC some 40 ms before it has loaded its torrents and lists none in between,
 * so a download missing from one listing right after a restart has not necessarily gone.
 *
 * State mapping (`status` code, then error and progress), first match wins:
 *
 * | Transmission                                                          | state           |
 * |-----------------------------------------------------------------------|-----------------|
 * | `error` 3 (local error) and `errorString` says the data is gone       | `missing_files` |
 * | `error` 3 (local error), any other text                               | `failed`        |
 * | 0 stopped, all wanted data there (`leftUntilDone` 0, `percentDone` 1) | `completed`     |
 * | 0 stopped, data missing                                               | `paused`        |
 * | 1 check-wait, 2 checking                                              | `checking`      |
 * | 3 download-wait                                                       | `queued`        |
 * | 4 downloading, all wanted data there (the moment before seeding)      | `completed`     |
 * | 4 downloading, magnet without metadata yet                            | `metadata`      |
 * | 4 downloading, `rateDownload` 0 (or `isStalled`)                      | `stalled`       |
 * | 4 downloading, bytes arriving                                         | `downloading`   |
 * | 5 seed-wait, 6 seeding                                                | `completed`     |
 * | a code added later                                                    | `downloading`   |
 *
 * "Stalled" is read from the moment, as qBittorrent's `stalledDL` is: a running download that
 * receives nothing right now (no peers, or peers that do not send); how long that lasts is for the
 * tracker to judge. Tracker warnings and errors (`error` 1, 2) keep the state and only fill `error`.
 */
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
  type TrTorrent,
  trEnvelopeSchema,
  trSessionSchema,
  trTorrentGetSchema,
} from './transmission.schemas.js';

type State = DownloadItem['state'];

/**
 * Fields asked of `torrent-get`; unknown ones cost nothing (3.00 answers 0, 4.x leaves them out).
 * `isFinished` means "reached its seed limit", not "complete": a seeding torrent has it false.
 */
export const TORRENT_FIELDS = [
  'id',
  'hashString',
  'name',
  'downloadDir',
  'totalSize',
  'sizeWhenDone',
  'leftUntilDone',
  'percentDone',
  'metadataPercentComplete',
  'isFinished',
  'isStalled',
  'eta',
  'status',
  'error',
  'errorString',
  'rateDownload',
  'rateUpload',
  'addedDate',
  'doneDate',
  'labels',
] as const;

const SESSION_HEADER = 'X-Transmission-Session-Id';
const LOCAL_ERROR = 3;
/** 3.00/4.x: `No data found! Ensure your drives are connected…`; a file or folder that went away. */
const DATA_GONE = /no data found|no such file|files? (are |is )?missing/i;

const ERROR_KINDS: Record<number, string> = {
  1: 'tracker warning',
  2: 'tracker error',
  3: 'local error',
};

/**
 * Where the RPC endpoint is: the user may give the host root (`http://host:9091`), a reverse-proxy
 * prefix (`https://proxy/transmission-box`) or the endpoint itself (`…/transmission/rpc`). Returns
 * the folder to resolve against and the last segment to post to, plus credentials written into the
 * URL (`http://user:pass@host`), which fetch refuses to send itself.
 */
export function transmissionRpcUrl(url: string): {
  baseUrl: string;
  path: string;
  username?: string;
  password?: string;
} {
  const parsed = new URL(url);
  const credentials = {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
  let pathname = parsed.pathname.replace(/\/+$/, '');
  if (!/\/rpc$/i.test(pathname)) pathname = `${pathname}/transmission/rpc`;
  const cut = pathname.lastIndexOf('/');
  return {
    baseUrl: `${parsed.protocol}//${parsed.host}${pathname.slice(0, cut + 1)}`,
    path: pathname.slice(cut + 1),
    ...credentials,
  };
}

function isDone(torrent: TrTorrent): boolean {
  // A magnet without metadata also has leftUntilDone 0 (and sizeWhenDone 0), but percentDone 0.
  return torrent.leftUntilDone <= 0 && torrent.percentDone >= 1;
}

function hasMetadata(torrent: TrTorrent): boolean {
  return torrent.metadataPercentComplete === undefined || torrent.metadataPercentComplete >= 1;
}

export function trTorrentState(torrent: TrTorrent): State {
  if (torrent.error === LOCAL_ERROR) {
    return DATA_GONE.test(torrent.errorString ?? '') ? 'missing_files' : 'failed';
  }
  switch (torrent.status) {
    case 0:
      return isDone(torrent) ? 'completed' : 'paused';
    case 1:
    case 2:
      return 'checking';
    case 3:
      return 'queued';
    case 4:
      // 3.00 finishes a download some 0.5 s before it switches the status to seeding.
      if (isDone(torrent)) return 'completed';
      if (!hasMetadata(torrent)) return 'metadata';
      return (torrent.rateDownload ?? 0) <= 0 || torrent.isStalled === true ? 'stalled' : 'downloading';
    case 5:
    case 6:
      return 'completed';
    default:
      return 'downloading';
  }
}

function errorText(torrent: TrTorrent): string | null {
  const code = torrent.error ?? 0;
  if (code === 0) return null;
  const text = torrent.errorString?.trim();
  return text ? text : `Transmission reports a ${ERROR_KINDS[code] ?? `error (code ${code})`}`;
}

function bytes(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}

/** `downloadDir` joined with the torrent's name, with the separator the daemon's paths use. */
function contentPathOf(downloadDir: string | undefined, name: string): string | null {
  if (!downloadDir) return null;
  const separator = downloadDir.includes('/') || !downloadDir.includes('\\') ? '/' : '\\';
  return downloadDir.endsWith(separator) ? `${downloadDir}${name}` : `${downloadDir}${separator}${name}`;
}

export function trTorrentToItem(torrent: TrTorrent): DownloadItem {
  const state = trTorrentState(torrent);
  const done = state === 'completed' || isDone(torrent);
  const eta = torrent.eta ?? -1;
  return {
    clientId: torrent.hashString.toLowerCase(),
    arrId: arrIdFromHash(torrent.hashString),
    name: torrent.name,
    category: torrent.labels?.find((label) => label !== '') ?? null,
    state,
    progress: done ? 1 : clampProgress(torrent.percentDone),
    sizeBytes: bytes(torrent.sizeWhenDone),
    remainingBytes: done ? 0 : bytes(torrent.leftUntilDone),
    downloadSpeed: Math.max(0, torrent.rateDownload ?? 0),
    uploadSpeed: Math.max(0, torrent.rateUpload ?? 0),
    // -1 not available, -2 unknown; a seeding torrent's eta counts down to its seed ratio instead.
    etaSeconds: done || !Number.isFinite(eta) || eta < 0 ? null : Math.trunc(eta),
    error: errorText(torrent),
    savePath: torrent.downloadDir ? torrent.downloadDir : null,
    contentPath: contentPathOf(torrent.downloadDir, torrent.name),
    addedAt: isoFromEpochSeconds(torrent.addedDate),
    // 0 for data that was already there when the torrent was added: then we do not know when.
    completedAt: done ? isoFromEpochSeconds(torrent.doneDate) : null,
  };
}

/** The text of Transmission's small HTML error pages (`<h1>403: Forbidden</h1><p>Too many…</p>`). */
function pageText(answer: HttpAnswer): string {
  return answer.text
    .replace(/<h1>[^<]*<\/h1>/i, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

function unauthorized(message: string, status: number): IntegrationError {
  return new IntegrationError('unauthorized', message, { status });
}

function badResponse(message: string, status?: number): IntegrationError {
  return new IntegrationError('bad_response', message, status === undefined ? {} : { status });
}

const CONFLICT = Symbol('409');

export function createTransmissionDownloader(connection: DownloaderConnection): Downloader {
  const endpoint = transmissionRpcUrl(connection.url);
  const http = createServiceHttp({ baseUrl: endpoint.baseUrl, resilience: connection.resilience });
  const username = connection.username || endpoint.username || '';
  const password = connection.password || endpoint.password || '';
  const authorization =
    username || password
      ? `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
      : null;
  const where = `${endpoint.baseUrl}${endpoint.path}`;

  let sessionId: string | null = null;
  /** A 401/403 we got: polls throw it again without asking (see the header comment). */
  let refused: IntegrationError | null = null;

  /** One answer: the RPC `arguments`, CONFLICT to resend, or an IntegrationError. */
  function read(method: string, answer: HttpAnswer): unknown {
    if (answer.status === 409) {
      const id = answer.headers.get(SESSION_HEADER);
      if (!id) throw badResponse(`${where} answered 409 without an ${SESSION_HEADER} header`, 409);
      sessionId = id;
      return CONFLICT;
    }
    if (answer.status === 401) {
      throw unauthorized(
        authorization
          ? 'Transmission refused the username or password'
          : 'Transmission needs a username and password (HTTP 401)',
        401,
      );
    }
    if (answer.status === 403) {
      // Too many failed logins (until Transmission restarts), or our address is not in rpc-whitelist.
      throw unauthorized(`Transmission refused access: ${pageText(answer) || 'HTTP 403'}`, 403);
    }
    if (answer.status === 421) {
      throw badResponse(
        `Transmission refused the host name in ${where} (rpc-host-whitelist): ${pageText(answer)}`,
        421,
      );
    }
    if (answer.status !== 200) {
      const hint = answer.status >= 300 && answer.status < 400 ? ' (is the RPC URL right?)' : '';
      throw badResponse(`${where} answered HTTP ${answer.status} to ${method}${hint}`, answer.status);
    }
    const envelope = trEnvelopeSchema.safeParse(parseJsonAnswer(answer, `Transmission ${method}`));
    if (!envelope.success) throw badResponse(`not a Transmission RPC answer to ${method}`, 200);
    if (envelope.data.result !== 'success') {
      throw badResponse(`Transmission ${method}: ${envelope.data.result}`, 200);
    }
    return envelope.data.arguments ?? {};
  }

  async function rpc(method: string, args: Record<string, unknown>): Promise<unknown> {
    if (refused) throw refused;
    const body = JSON.stringify({ method, arguments: args });
    try {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (authorization) headers.Authorization = authorization;
        if (sessionId) headers[SESSION_HEADER] = sessionId;
        const result = await http.call(endpoint.path, { method: 'POST', headers, body }, (answer) =>
          read(method, answer),
        );
        if (result !== CONFLICT) return result;
      }
    } catch (error) {
      if (error instanceof IntegrationError && error.kind === 'unauthorized') refused = error;
      throw error;
    }
    throw badResponse(`${where} answered 409 again with the session id it had just sent`, 409);
  }

  return {
    kind: 'transmission',
    status: http.status,

    async testConnection() {
      refused = null;
      const parsed = trSessionSchema.safeParse(
        await rpc('session-get', { fields: ['version', 'rpc-version'] }),
      );
      if (!parsed.success) throw badResponse('Transmission session-get answered without a version', 200);
      return { version: parsed.data.version };
    },

    async listItems() {
      const parsed = trTorrentGetSchema.safeParse(await rpc('torrent-get', { fields: TORRENT_FIELDS }));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw badResponse(
          `Transmission torrent-get: unexpected ${issue?.path.join('.') ?? 'shape'} (${issue?.message ?? ''})`,
          200,
        );
      }
      return parsed.data.torrents.map(trTorrentToItem);
    },
  };
}
