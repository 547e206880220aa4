/**
 * qBittorrent WebAPI v2 (wiki `WebUI-API-(qBittorrent-5.0)`, contracts.md §6.1), checked against the
 * real qbittorrent-nox 4.5.2 (WebAPI 2.8.19, Debian 12); the 5.x state names (`stoppedUP`,
 * `stoppedDL`) are accepted too.
 *
 * Auth is a cookie session: `POST auth/login` answers `Ok.` plus a `SID` cookie, or `200 Fails.` for
 * wrong credentials, or 403 when qBittorrent has banned our IP. Every other call answers 403 once the
 * session is gone (expired, logged out, qBittorrent restarted): we log in again once and retry once.
 *
 * `listItems()` follows `sync/maindata?rid=N` incrementally: one request per call, and after the
 * first one qBittorrent sends only what changed (a few dozen bytes when idle instead of ~1 kB per
 * torrent). `listItemsFull()` lists everything through `torrents/info` instead, for comparison.
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
  type QbMaindata,
  type QbTorrent,
  qbMaindataSchema,
  qbTorrentListSchema,
  qbTorrentSchema,
} from './qbittorrent.schemas.js';

export interface QbittorrentDownloader extends Downloader {
  /**
   * Every torrent through one full `GET torrents/info` listing, bypassing the incremental cache.
   * Same items as `listItems()`; kept for the benchmark that compares the bytes of both ways.
   */
  listItemsFull(): Promise<DownloadItem[]>;
}

type State = DownloadItem['state'];

/**
 * Every state string qBittorrent has sent (4.x and 5.x), and what it means for the tracker.
 * `checkingUP` is a recheck of finished data: not complete until it ends (Radarr agrees).
 */
const STATES: Record<string, State> = {
  uploading: 'completed',
  stalledUP: 'completed',
  queuedUP: 'completed',
  forcedUP: 'completed',
  pausedUP: 'completed', // < 5.0
  stoppedUP: 'completed', // ≥ 5.0
  checkingUP: 'checking',
  checkingDL: 'checking',
  checkingResumeData: 'checking',
  downloading: 'downloading',
  forcedDL: 'downloading',
  moving: 'downloading',
  metaDL: 'metadata',
  forcedMetaDL: 'metadata',
  stalledDL: 'stalled',
  pausedDL: 'paused', // < 5.0
  stoppedDL: 'paused', // ≥ 5.0
  queuedDL: 'queued',
  error: 'failed',
  missingFiles: 'missing_files',
  allocating: 'downloading', // listed by the wiki, no longer produced
  unknown: 'downloading',
};

/** qBittorrent's "infinite" ETA. */
const ETA_INFINITY = 8_640_000;

/** What a state string means; one qBittorrent adds later counts as downloading (Radarr's default). */
export function qbStateToClientState(state: string): State {
  return STATES[state] ?? 'downloading';
}

function errorText(state: string): string | null {
  if (state === 'error') return 'qBittorrent reports an error for this torrent (state error)';
  if (state === 'missingFiles') return "qBittorrent cannot find the torrent's files (state missingFiles)";
  return null;
}

/** Whole non-negative bytes (a torrent without metadata may report -1). */
function bytes(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0;
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\\\') || /^[A-Za-z]:[\\/]/.test(path);
}

export function qbTorrentToItem(hash: string, torrent: QbTorrent): DownloadItem {
  const state = qbStateToClientState(torrent.state);
  const progress = clampProgress(torrent.progress);
  const eta = torrent.eta;
  const contentPath = torrent.content_path ?? '';
  return {
    clientId: hash.toLowerCase(),
    arrId: arrIdFromHash(hash),
    name: torrent.name,
    category: torrent.category ? torrent.category : null,
    state,
    progress,
    sizeBytes: bytes(torrent.size),
    remainingBytes: bytes(torrent.amount_left),
    downloadSpeed: Math.max(0, torrent.dlspeed),
    uploadSpeed: Math.max(0, torrent.upspeed),
    // A finished torrent's eta is the time left to its share limit, not to completion.
    etaSeconds:
      state === 'completed' || eta < 0 || eta >= ETA_INFINITY || !Number.isFinite(eta)
        ? null
        : Math.trunc(eta),
    error: errorText(torrent.state),
    savePath: torrent.save_path ? torrent.save_path : null,
    // Relative while the torrent is still loading (`checkingResumeData` sends the bare name).
    contentPath: isAbsolutePath(contentPath) ? contentPath : null,
    addedAt: isoFromEpochSeconds(torrent.added_on),
    // 4.5.2 keeps the old completion_on when a recheck finds the data gone.
    completedAt: progress >= 1 ? isoFromEpochSeconds(torrent.completion_on) : null,
  };
}

const FORBIDDEN = Symbol('forbidden');

function unauthorized(message: string, status?: number): IntegrationError {
  return new IntegrationError('unauthorized', message, status === undefined ? {} : { status });
}

function unexpected(answer: HttpAnswer, what: string): IntegrationError {
  return new IntegrationError('bad_response', `qBittorrent answered HTTP ${answer.status} to ${what}`, {
    status: answer.status,
  });
}

/** `Ok.` plus the session cookie(s) to send back; null when qBittorrent needs none (auth bypass). */
function readLogin(answer: HttpAnswer): string | null {
  const text = answer.text.trim();
  if (answer.status === 403) {
    throw unauthorized(
      `qBittorrent has banned this IP after too many failed logins: ${text || 'HTTP 403'}`,
      403,
    );
  }
  if (answer.status === 401) {
    throw unauthorized(
      'qBittorrent refused the login (HTTP 401): a wrong password on newer versions, or its Host/Origin check when behind a proxy',
      401,
    );
  }
  if (answer.status !== 200) throw unexpected(answer, 'auth/login');
  if (text === 'Fails.') throw unauthorized('qBittorrent refused the username or password', 200);
  if (text !== 'Ok.') {
    throw new IntegrationError(
      'bad_response',
      `not a qBittorrent login answer: ${JSON.stringify(text.slice(0, 80))}`,
      {
        status: 200,
      },
    );
  }
  return cookiesOf(answer);
}

/**
 * The `name=value` pairs an answer sets, ready for a `Cookie` header. The cookie is `SID` up to 5.0;
 * newer builds may rename it, so whatever was set goes back.
 */
function cookiesOf(answer: HttpAnswer): string | null {
  const pairs = answer.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]?.trim() ?? '')
    .filter((pair) => pair.includes('='));
  return pairs.length > 0 ? pairs.join('; ') : null;
}

export function createQbittorrentDownloader(connection: DownloaderConnection): QbittorrentDownloader {
  const http = createServiceHttp({ baseUrl: connection.url, resilience: connection.resilience });
  const baseUrl = http.url('');
  const origin = new URL(baseUrl).origin;
  const username = connection.username ?? '';
  const password = connection.password ?? '';
  const hasCredentials = username !== '';

  let cookie: string | null = null;
  /** Bumped by every successful login; a maindata `rid` belongs to one session. */
  let session = 0;
  let loggedIn = false;
  let loginInFlight: Promise<void> | null = null;
  /**
   * A login qBittorrent refused. Polls do not repeat it: every failure counts towards qBittorrent's
   * IP ban (5 by default, for an hour), which would lock out everything else on this host too.
   * `testConnection()` tries again, since a person asked.
   */
  let refused: IntegrationError | null = null;

  let rid = 0;
  let ridSession = -1;
  let torrents = new Map<string, Partial<QbTorrent>>();
  /** Normalised items by hash, rebuilt only for the torrents each maindata answer touches. */
  let items = new Map<string, DownloadItem>();
  let queue: Promise<unknown> = Promise.resolve();

  /**
   * The wiki asks for a Referer/Origin naming the URL we reach qBittorrent at. Its CSRF check answers
   * 401 when they differ from the Host it receives, which is what a reverse proxy that rewrites Host
   * (nginx's default) causes; without them there is no check (4.5.2), so after a 401 we go without.
   */
  let sendOrigin = true;

  function postLogin(): Promise<string | null> {
    return http.call(
      'api/v2/auth/login',
      {
        method: 'POST',
        headers: sendOrigin ? { Referer: baseUrl, Origin: origin } : {},
        body: new URLSearchParams({ username, password }),
      },
      readLogin,
    );
  }

  async function login(): Promise<void> {
    if (refused) throw refused;
    try {
      try {
        cookie = await postLogin();
      } catch (error) {
        if (!(error instanceof IntegrationError && error.status === 401 && sendOrigin)) throw error;
        sendOrigin = false;
        cookie = await postLogin();
      }
    } catch (error) {
      if (error instanceof IntegrationError && error.kind === 'unauthorized') refused = error;
      throw error;
    }
    session += 1;
    loggedIn = true;
  }

  function ensureLogin(): Promise<void> {
    if (loggedIn || !hasCredentials) return Promise.resolve();
    loginInFlight ??= login().finally(() => {
      loginInFlight = null;
    });
    return loginInFlight;
  }

  async function attempt<T>(path: string, read: (answer: HttpAnswer) => T): Promise<T | typeof FORBIDDEN> {
    const headers: Record<string, string> = cookie ? { Cookie: cookie } : {};
    return http.call(path, { headers }, (answer) => {
      if (answer.status === 403) return FORBIDDEN;
      // Without a login (auth bypass for local or whitelisted clients) qBittorrent starts a session
      // itself; keeping its cookie keeps maindata incremental.
      cookie = cookiesOf(answer) ?? cookie;
      return read(answer);
    });
  }

  /** A call in the session; `path` is built again for the retry after a new login. */
  async function authed<T>(path: () => string, read: (answer: HttpAnswer) => T): Promise<T> {
    await ensureLogin();
    const before = session;
    const first = await attempt(path(), read);
    if (first !== FORBIDDEN) return first;
    if (!hasCredentials) {
      throw unauthorized('qBittorrent answered 403: it needs a username and password', 403);
    }
    // Another call may already have logged in again while this one waited.
    if (session === before) {
      loggedIn = false;
      cookie = null;
      await ensureLogin();
    }
    const second = await attempt(path(), read);
    if (second === FORBIDDEN) throw unauthorized('qBittorrent still answers 403 after a fresh login', 403);
    return second;
  }

  function readMaindata(answer: HttpAnswer): QbMaindata {
    if (answer.status !== 200) throw unexpected(answer, 'sync/maindata');
    const parsed = qbMaindataSchema.safeParse(parseJsonAnswer(answer, 'qBittorrent sync/maindata'));
    if (!parsed.success) throw new IntegrationError('bad_response', 'not a qBittorrent sync/maindata answer');
    return parsed.data;
  }

  /** Fetch and merge one maindata answer; the items, or null when the merged cache is incomplete. */
  async function syncOnce(): Promise<DownloadItem[] | null> {
    let requested = 0;
    const data = await authed(() => {
      // A new session has no idea of our rid: start over (qBittorrent would send a full update anyway).
      if (ridSession !== session) rid = 0;
      requested = rid;
      return `api/v2/sync/maindata?rid=${rid}`;
    }, readMaindata);
    const reset = data.full_update || requested === 0;
    const next = reset ? new Map<string, Partial<QbTorrent>>() : torrents;
    if (reset) items = new Map();
    const changed = Object.entries(data.torrents ?? {});
    for (const [hash, delta] of changed) next.set(hash, { ...next.get(hash), ...delta });
    for (const hash of data.torrents_removed ?? []) {
      next.delete(hash);
      items.delete(hash);
    }
    torrents = next;
    rid = data.rid;
    ridSession = session;

    // Only the torrents this answer touched are normalised again: with thousands of torrents and a
    // handful downloading, that is what keeps a steady-state poll cheap.
    for (const [hash] of changed) {
      const torrent = qbTorrentSchema.safeParse(torrents.get(hash));
      if (!torrent.success) return null;
      items.set(hash, qbTorrentToItem(hash, torrent.data));
    }
    return [...items.values()];
  }

  async function listIncrementally(): Promise<DownloadItem[]> {
    const items = await syncOnce();
    if (items) return items;
    // A delta for a torrent we never saw whole: our cache is out of step. Start over once.
    rid = 0;
    const again = await syncOnce();
    if (again) return again;
    throw new IntegrationError(
      'bad_response',
      'qBittorrent sync/maindata left torrents incomplete after a full update',
    );
  }

  /** One at a time: two polls sending the same rid would make qBittorrent send full updates. */
  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task, task);
    queue = result.catch(() => undefined);
    return result;
  }

  return {
    kind: 'qbittorrent',
    status: http.status,

    testConnection: () =>
      exclusive(async () => {
        refused = null;
        const version = await authed(
          () => 'api/v2/app/version',
          (answer) => {
            if (answer.status !== 200) throw unexpected(answer, 'app/version');
            const text = answer.text.trim();
            if (!/^v?\d+\.\d+/.test(text)) {
              throw new IntegrationError(
                'bad_response',
                `not a qBittorrent version: ${JSON.stringify(text.slice(0, 80))}`,
                { status: 200 },
              );
            }
            return text;
          },
        );
        return { version };
      }),

    listItems: () => exclusive(listIncrementally),

    listItemsFull: () =>
      exclusive(() =>
        authed(
          () => 'api/v2/torrents/info',
          (answer) => {
            if (answer.status !== 200) throw unexpected(answer, 'torrents/info');
            const parsed = qbTorrentListSchema.safeParse(
              parseJsonAnswer(answer, 'qBittorrent torrents/info'),
            );
            if (!parsed.success)
              throw new IntegrationError('bad_response', 'not a qBittorrent torrents/info answer');
            return parsed.data.map((torrent) => qbTorrentToItem(torrent.hash, torrent));
          },
        ),
      ),
  };
}
