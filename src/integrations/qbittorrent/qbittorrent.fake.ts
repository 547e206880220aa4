/**
 * A contract fake of the qBittorrent WebAPI v2, following the wiki `WebUI-API-(qBittorrent-5.0)`
 * (contracts.md §6.1) and what the real qbittorrent-nox 4.5.2 (WebAPI 2.8.19) answered on loopback:
 *
 * - `POST auth/login` (form): `Ok.` + `Set-Cookie: SID=…; HttpOnly; path=/; SameSite=Strict`; wrong
 *   credentials `200 Fails.`; an already valid session `Ok.` without a new cookie; after
 *   `banAfterFailures` failures `403 Your IP address has been banned…`. With `bypassLocalAuth`
 *   (qBittorrent's `LocalHostAuth=false`) every login is `Ok.`, even with a wrong password.
 * - Every other call without a valid session: `403 Forbidden` (with `bypassLocalAuth`, a new session
 *   and its cookie instead, as 4.5.2 does). An `Origin`/`Referer` naming another host than `Host`:
 *   `401 Unauthorized` (the CSRF check). A read-only action takes GET or POST, an action that changes
 *   something POST only (405 otherwise).
 * - `sync/maindata?rid=N`: per session, a full update (`full_update: true`, every key) when `rid` is 0
 *   or not the last one sent; otherwise only what changed (changed torrent fields, `torrents_removed`,
 *   changed `server_state` keys), leaving out empty keys and `full_update` (`{"rid":2}` when idle).
 *   `rid` 0 restarts the numbering at 1, as 4.5.2 does. Torrents are keyed by hash, without `hash`.
 * - `torrents/info` (filters `hashes`, `category`), `torrents/delete`, `app/version` (`v4.5.2`),
 *   `app/webapiVersion`.
 *
 * Torrent records carry the fields 4.5.2 sends, in snake_case. Tests put torrents in any state with
 * `addTorrent`/`updateTorrent`/`removeTorrent`, and make trouble with `expireSessions`, `ban`,
 * `failNext` and `forceFullUpdate`. `traffic()` counts response bytes per path for benchmarks.
 */
import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

/** A torrent as qBittorrent 4.5.2 lists it (`torrents/info`). */
export interface QbFakeTorrent {
  hash: string;
  added_on: number;
  amount_left: number;
  auto_tmm: boolean;
  availability: number;
  category: string;
  completed: number;
  completion_on: number;
  content_path: string;
  dl_limit: number;
  dlspeed: number;
  download_path: string;
  downloaded: number;
  downloaded_session: number;
  eta: number;
  f_l_piece_prio: boolean;
  force_start: boolean;
  infohash_v1: string;
  infohash_v2: string;
  last_activity: number;
  magnet_uri: string;
  max_ratio: number;
  max_seeding_time: number;
  name: string;
  num_complete: number;
  num_incomplete: number;
  num_leechs: number;
  num_seeds: number;
  priority: number;
  progress: number;
  ratio: number;
  ratio_limit: number;
  save_path: string;
  seeding_time: number;
  seeding_time_limit: number;
  seen_complete: number;
  seq_dl: boolean;
  size: number;
  state: string;
  super_seeding: boolean;
  tags: string;
  time_active: number;
  total_size: number;
  tracker: string;
  trackers_count: number;
  up_limit: number;
  uploaded: number;
  uploaded_session: number;
  upspeed: number;
}

export type QbFakeTorrentFields = Omit<QbFakeTorrent, 'hash'>;

export interface QbFakeTorrentInput extends Partial<QbFakeTorrent> {
  name: string;
  /** Sets `size` and `total_size`; 1 MiB by default. */
  sizeBytes?: number;
  /**
   * Stopped by the user: `pausedDL`/`pausedUP` for a 4.x `version`, `stoppedDL`/`stoppedUP` for 5.x.
   * Ignored when `state` is given.
   */
  paused?: boolean;
}

export interface QbittorrentFakeOptions {
  username?: string;
  password?: string;
  /** What `app/version` answers; a `v5…` version makes `paused` use the 5.x state names. */
  version?: string;
  webApiVersion?: string;
  /** qBittorrent's `LocalHostAuth=false`: no session needed, and any login succeeds. */
  bypassLocalAuth?: boolean;
  /** Failed logins before the IP is banned (qBittorrent's default is 5). */
  banAfterFailures?: number;
}

interface Session {
  /** The rid of the last maindata answer, 0 before the first. */
  lastRid: number;
  torrents: Map<string, QbFakeTorrentFields>;
  serverState: Record<string, unknown>;
  categories: Set<string>;
}

const ETA_INFINITY = 8_640_000;
const MiB = 1024 * 1024;

export interface QbittorrentFake {
  url: string;
  /** Requests seen, oldest first: `METHOD /path?query`. */
  calls: string[];
  /** The headers of each request in `calls`, same order. */
  headers: IncomingHttpHeaders[];
  /** The JSON text of every maindata answer, oldest first. */
  maindataAnswers: string[];
  /** Adds a torrent; derived fields (sizes, completed, paths, eta, state) follow from the input. */
  addTorrent(input: QbFakeTorrentInput): QbFakeTorrent;
  /**
   * Changes raw fields. A new `progress` without `amount_left` recomputes `completed`/`amount_left`,
   * and reaching 1 sets `completion_on` when it was unset.
   */
  updateTorrent(hash: string, patch: Partial<QbFakeTorrentFields>): QbFakeTorrent;
  removeTorrent(hash: string): void;
  torrent(hash: string): QbFakeTorrent | undefined;
  setCredentials(input: { username: string; password: string }): void;
  /** Forgets every session, as a qBittorrent restart or session timeout does: next calls get 403. */
  expireSessions(): void;
  /** Bans (or lifts the ban on) our IP: every login answers 403. Failed-login counting is reset. */
  ban(banned?: boolean): void;
  /** The next `count` requests (to `path` only, when given) answer `status` without doing anything. */
  failNext(input: { count?: number; status?: number; path?: string }): void;
  /** The next maindata answer of every session is a full update, whatever rid it asks for. */
  forceFullUpdate(): void;
  /** Logins answered `Ok.` with a new session. */
  logins(): number;
  /** Response body bytes and request counts per path (e.g. `/api/v2/sync/maindata`). */
  traffic(): Record<string, { requests: number; bytes: number }>;
  resetTraffic(): void;
  close(): Promise<void>;
}

function randomHash(): string {
  return randomBytes(20).toString('hex');
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startQbittorrentFake(options: QbittorrentFakeOptions = {}): Promise<QbittorrentFake> {
  let username = options.username ?? 'admin';
  let password = options.password ?? 'adminadmin';
  const version = options.version ?? 'v4.5.2';
  const webApiVersion = options.webApiVersion ?? '2.8.19';
  const banAfter = options.banAfterFailures ?? 5;
  const stoppedNames = /^v?[5-9]\./.test(version);

  const torrents = new Map<string, QbFakeTorrent>();
  const categories = new Set<string>();
  const sessions = new Map<string, Session>();
  const calls: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const maindataAnswers: string[] = [];
  let failures = 0;
  let banned = false;
  let logins = 0;
  const pendingFailures: Array<{ status: number; path: string | undefined }> = [];
  const fullUpdateDue = new WeakSet<Session>();
  let traffic: Record<string, { requests: number; bytes: number }> = {};

  function send(
    res: ServerResponse,
    path: string,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ): void {
    const entry = traffic[path] ?? { requests: 0, bytes: 0 };
    entry.requests += 1;
    entry.bytes += Buffer.byteLength(body);
    traffic[path] = entry;
    res.writeHead(status, { 'content-type': 'text/plain; charset=UTF-8', ...headers }).end(body);
  }

  function sendJson(res: ServerResponse, path: string, value: unknown): string {
    const text = JSON.stringify(value);
    send(res, path, 200, text, { 'content-type': 'application/json' });
    return text;
  }

  function fieldsOf(torrent: QbFakeTorrent): QbFakeTorrentFields {
    const { hash: _hash, ...fields } = torrent;
    return fields;
  }

  function serverState(): Record<string, unknown> {
    let dl = 0;
    let up = 0;
    for (const torrent of torrents.values()) {
      dl += torrent.dlspeed;
      up += torrent.upspeed;
    }
    return {
      alltime_dl: 0,
      alltime_ul: 0,
      connection_status: 'firewalled',
      dht_nodes: 0,
      dl_info_data: 0,
      dl_info_speed: dl,
      dl_rate_limit: 0,
      free_space_on_disk: 80_000_000_000,
      queueing: false,
      refresh_interval: 1500,
      up_info_data: 0,
      up_info_speed: up,
      up_rate_limit: 0,
      use_alt_speed_limits: false,
    };
  }

  function maindata(session: Session, requestedRid: number): Record<string, unknown> {
    const full = requestedRid === 0 || requestedRid !== session.lastRid || fullUpdateDue.has(session);
    fullUpdateDue.delete(session);
    const rid = requestedRid === 0 ? 1 : (session.lastRid % 1_000_000) + 1;
    const current = new Map([...torrents].map(([hash, torrent]) => [hash, fieldsOf(torrent)]));
    const state = serverState();
    let answer: Record<string, unknown>;
    if (full) {
      answer = {
        categories: Object.fromEntries([...categories].map((name) => [name, { name, savePath: '' }])),
        full_update: true,
        rid,
        server_state: state,
        tags: [],
        torrents: Object.fromEntries(current),
        trackers: {},
      };
    } else {
      answer = { rid };
      const changed: Record<string, Partial<QbFakeTorrentFields>> = {};
      for (const [hash, fields] of current) {
        const before = session.torrents.get(hash);
        if (!before) {
          changed[hash] = fields;
          continue;
        }
        const delta: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(fields)) {
          if (before[key as keyof QbFakeTorrentFields] !== value) delta[key] = value;
        }
        if (Object.keys(delta).length > 0) changed[hash] = delta as Partial<QbFakeTorrentFields>;
      }
      const removed = [...session.torrents.keys()].filter((hash) => !current.has(hash));
      const newCategories = [...categories].filter((name) => !session.categories.has(name));
      const stateDelta = Object.fromEntries(
        Object.entries(state).filter(([key, value]) => session.serverState[key] !== value),
      );
      if (newCategories.length > 0) {
        answer.categories = Object.fromEntries(newCategories.map((name) => [name, { name, savePath: '' }]));
      }
      if (Object.keys(stateDelta).length > 0) answer.server_state = stateDelta;
      if (Object.keys(changed).length > 0) answer.torrents = changed;
      if (removed.length > 0) answer.torrents_removed = removed;
    }
    session.lastRid = rid;
    session.torrents = current;
    session.serverState = state;
    session.categories = new Set(categories);
    return answer;
  }

  function newSession(res: ServerResponse): Session {
    const sid = randomBytes(24).toString('base64');
    const session: Session = { lastRid: 0, torrents: new Map(), serverState: {}, categories: new Set() };
    sessions.set(sid, session);
    res.setHeader('set-cookie', `SID=${sid}; HttpOnly; path=/; SameSite=Strict`);
    return session;
  }

  function sessionOf(req: IncomingMessage): Session | undefined {
    const sid = /(?:^|;\s*)SID=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    return sid === undefined ? undefined : sessions.get(sid);
  }

  /** qBittorrent's CSRF check: an Origin or Referer must name the host the request was sent to. */
  function isCrossSite(req: IncomingMessage): boolean {
    const host = req.headers.host;
    for (const header of [req.headers.origin, req.headers.referer]) {
      if (!header) continue;
      try {
        if (new URL(header).host !== host) return true;
      } catch {
        return true;
      }
    }
    return false;
  }

  const READ_ACTIONS = new Set([
    '/api/v2/app/version',
    '/api/v2/app/webapiVersion',
    '/api/v2/sync/maindata',
    '/api/v2/torrents/info',
  ]);
  const WRITE_ACTIONS = new Set(['/api/v2/auth/login', '/api/v2/auth/logout', '/api/v2/torrents/delete']);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    calls.push(`${req.method} ${path}${url.search}`);
    headers.push(req.headers);
    const body = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : new URLSearchParams();

    const failure = pendingFailures.findIndex((f) => f.path === undefined || f.path === path);
    if (failure >= 0) {
      const status = pendingFailures.splice(failure, 1)[0]?.status ?? 503;
      send(res, path, status, status === 403 ? 'Forbidden' : 'Service Unavailable');
      return;
    }
    if (!READ_ACTIONS.has(path) && !WRITE_ACTIONS.has(path)) {
      send(res, path, 404, 'Not Found');
      return;
    }
    if (WRITE_ACTIONS.has(path) ? req.method !== 'POST' : req.method !== 'GET' && req.method !== 'POST') {
      send(res, path, 405, 'Method Not Allowed');
      return;
    }
    if (isCrossSite(req)) {
      send(res, path, 401, 'Unauthorized');
      return;
    }

    if (path === '/api/v2/auth/login') {
      if (sessionOf(req)) {
        send(res, path, 200, 'Ok.');
        return;
      }
      if (banned) {
        send(
          res,
          path,
          403,
          'Your IP address has been banned after too many failed authentication attempts.',
        );
        return;
      }
      const matches = body.get('username') === username && body.get('password') === password;
      if (!matches && !options.bypassLocalAuth) {
        failures += 1;
        if (failures >= banAfter) banned = true;
        send(res, path, 200, 'Fails.');
        return;
      }
      failures = 0;
      logins += 1;
      newSession(res);
      send(res, path, 200, 'Ok.');
      return;
    }

    let session = sessionOf(req);
    if (!session && options.bypassLocalAuth) {
      // As 4.5.2 does when no login is needed: a session is started and its cookie set on this answer.
      session = newSession(res);
    }
    if (!session) {
      send(res, path, 403, 'Forbidden');
      return;
    }

    const params = req.method === 'POST' ? body : url.searchParams;
    switch (path) {
      case '/api/v2/auth/logout': {
        const sid = /(?:^|;\s*)SID=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
        if (sid) sessions.delete(sid);
        send(res, path, 200, '');
        return;
      }
      case '/api/v2/app/version':
        send(res, path, 200, version);
        return;
      case '/api/v2/app/webapiVersion':
        send(res, path, 200, webApiVersion);
        return;
      case '/api/v2/sync/maindata': {
        const rid = Number.parseInt(params.get('rid') ?? '0', 10);
        maindataAnswers.push(sendJson(res, path, maindata(session, Number.isNaN(rid) ? 0 : rid)));
        return;
      }
      case '/api/v2/torrents/info': {
        const hashes = params.get('hashes')?.toLowerCase().split('|');
        const category = params.get('category');
        const list = [...torrents.values()].filter(
          (t) => (!hashes || hashes.includes(t.hash)) && (category === null || t.category === category),
        );
        sendJson(res, path, list);
        return;
      }
      case '/api/v2/torrents/delete': {
        const hashes = (params.get('hashes') ?? '').toLowerCase().split('|');
        for (const hash of hashes.includes('all') ? [...torrents.keys()] : hashes) torrents.delete(hash);
        send(res, path, 200, '');
        return;
      }
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  function withDerivedProgress(torrent: QbFakeTorrent, patch: Partial<QbFakeTorrentFields>): void {
    if (patch.progress === undefined) return;
    if (patch.amount_left === undefined) {
      torrent.completed = Math.round(torrent.size * torrent.progress);
      torrent.amount_left = torrent.size - torrent.completed;
    }
    if (torrent.progress >= 1 && torrent.completion_on <= 0 && patch.completion_on === undefined) {
      torrent.completion_on = nowSeconds();
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    headers,
    maindataAnswers,
    addTorrent(input) {
      const { sizeBytes, paused, ...raw } = input;
      const hash = (input.hash ?? randomHash()).toLowerCase();
      const size = sizeBytes ?? input.size ?? MiB;
      const progress = input.progress ?? 0;
      const done = progress >= 1;
      const completed = Math.round(size * progress);
      const dlspeed = input.dlspeed ?? 0;
      const savePath = input.save_path ?? '/downloads';
      const separator = savePath.endsWith('/') ? '' : '/';
      const now = nowSeconds();
      const stateName = paused
        ? `${stoppedNames ? 'stopped' : 'paused'}${done ? 'UP' : 'DL'}`
        : done
          ? 'stalledUP'
          : dlspeed > 0
            ? 'downloading'
            : 'stalledDL';
      const torrent: QbFakeTorrent = {
        added_on: now,
        amount_left: size - completed,
        auto_tmm: false,
        availability: done ? -1 : 0,
        category: '',
        completed,
        completion_on: done ? now : 0,
        content_path: `${savePath}${separator}${input.name}`,
        dl_limit: 0,
        dlspeed,
        download_path: '',
        downloaded: completed,
        downloaded_session: completed,
        eta: !done && dlspeed > 0 ? Math.ceil((size - completed) / dlspeed) : ETA_INFINITY,
        f_l_piece_prio: false,
        force_start: false,
        infohash_v1: hash,
        infohash_v2: '',
        last_activity: now,
        magnet_uri: `magnet:?xt=urn:btih:${hash}&dn=${encodeURIComponent(input.name)}`,
        max_ratio: -1,
        max_seeding_time: -1,
        num_complete: 0,
        num_incomplete: 0,
        num_leechs: 0,
        num_seeds: 0,
        priority: done ? 0 : 1,
        ratio: 0,
        ratio_limit: -2,
        save_path: savePath,
        seeding_time: 0,
        seeding_time_limit: -2,
        seen_complete: 0,
        seq_dl: false,
        state: stateName,
        super_seeding: false,
        tags: '',
        time_active: 0,
        tracker: '',
        trackers_count: 0,
        up_limit: 0,
        uploaded: 0,
        uploaded_session: 0,
        upspeed: 0,
        ...raw,
        name: input.name,
        hash,
        progress,
        size,
        total_size: input.total_size ?? size,
      };
      torrents.set(hash, torrent);
      if (torrent.category) categories.add(torrent.category);
      return { ...torrent };
    },
    updateTorrent(hash, patch) {
      const torrent = torrents.get(hash.toLowerCase());
      if (!torrent) throw new Error(`qBittorrent fake: no torrent ${hash}`);
      Object.assign(torrent, patch);
      withDerivedProgress(torrent, patch);
      if (torrent.category) categories.add(torrent.category);
      return { ...torrent };
    },
    removeTorrent(hash) {
      torrents.delete(hash.toLowerCase());
    },
    torrent(hash) {
      const torrent = torrents.get(hash.toLowerCase());
      return torrent ? { ...torrent } : undefined;
    },
    setCredentials(input) {
      username = input.username;
      password = input.password;
    },
    expireSessions() {
      sessions.clear();
    },
    ban(value = true) {
      banned = value;
      failures = 0;
    },
    failNext({ count = 1, status = 503, path }) {
      for (let i = 0; i < count; i += 1) pendingFailures.push({ status, path });
    },
    forceFullUpdate() {
      for (const session of sessions.values()) fullUpdateDue.add(session);
    },
    logins: () => logins,
    traffic: () => structuredClone(traffic),
    resetTraffic() {
      traffic = {};
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
