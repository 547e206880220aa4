/**
 * A contract fake of Deluge Web's JSON-RPC (`POST /json`), following Deluge 2.0.3 as read in
 * `deluge/ui/web/json_api.py`, `auth.py`, `deluge/ui/hostlist.py`, `deluge/core/torrent.py` and as
 * observed on the Debian 12 `deluged`/`deluge-web` 2.0.3 packages (contracts.md §6.5):
 *
 * - every answer is HTTP 200 `{"result", "error": null | {"message", "code"}, "id"}`; non-POST is 405;
 *   a Content-Type other than exactly `application/json` or an undecodable body is error 5 with id null;
 * - `auth.login [password]` → `true` plus `Set-Cookie: _session_id=…; Expires=…; Path=/json`, or `false`;
 *   any other call without a live session → error 1 "Not authenticated";
 * - daemon methods (`core.*`, `daemon.*`, `label.*`) exist only while Deluge Web is connected to its
 *   daemon; otherwise they are error 2 "Unknown method" (even without a session);
 * - `web.update_ui [keys, filter]` → `{connected, torrents: {hash: {only the asked keys}} | null, filters,
 *   stats}`; unknown keys are dropped silently; `progress` is 0..100 and is 100 in state Error;
 * - `web.get_hosts` → `[[id, host, port, user]]`, `web.get_host_status [id]` → `[id, "Online" |
 *   "Offline" | "Connected", version]` (an unknown id is Deluge's own error 3), `web.connect [id]` →
 *   the daemon's method list, or null when the daemon cannot be reached.
 *
 * Tests put torrents in any state with `addTorrent`/`updateTorrent` (raw Deluge status fields), and can
 * expire sessions, drop the daemon connection, change hosts and make the next answers fail with 5xx.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A torrent's status as Deluge 2.0.3 keeps it (the keys `web.update_ui` can return, the ones we use). */
export interface DelugeTorrentStatus {
  hash: string;
  name: string;
  /** Downloading, Seeding, Paused, Checking, Queued, Error, Moving, Allocating. */
  state: string;
  /** 0..100. */
  progress: number;
  eta: number;
  message: string;
  is_finished: boolean;
  is_seed: boolean;
  paused: boolean;
  save_path: string;
  download_location: string;
  total_wanted: number;
  total_done: number;
  total_remaining: number;
  total_size: number;
  download_payload_rate: number;
  upload_payload_rate: number;
  time_added: number;
  completed_time: number;
  label: string;
  num_peers: number;
  num_seeds: number;
  active_time: number;
  seeding_time: number;
  ratio: number;
  tracker_status: string;
}

export interface DelugeFakeHost {
  /** 32 hex, as Deluge makes them (uuid4().hex). */
  id: string;
  host: string;
  port: number;
  username: string;
  /** Whether its daemon answers. */
  online: boolean;
}

export interface DelugeFake {
  /** Base URL of Deluge Web; the API is at `${url}/json`. */
  url: string;
  /** The default host's daemon version (`daemon.get_version`, `web.get_host_status`). */
  version: string;
  /** JSON-RPC method names received, oldest first (`HTTP <status>` for forced failures). */
  calls: string[];
  setPassword(password: string): void;
  /** Forget every session (expired cookie, Deluge Web restarted): the next call gets error 1. */
  expireSessions(): void;
  /** Deluge Web loses its daemon (the daemon restarted) until someone calls `web.connect`. */
  disconnect(): void;
  /** The host list; the first host is connected when `connectTo` names it. */
  setHosts(hosts: DelugeFakeHost[], input?: { connectTo?: string | null }): void;
  connectedHostId(): string | null;
  /** Adds a torrent; omitted fields follow from `state` and the byte counts. Returns the stored status. */
  addTorrent(input: Partial<DelugeTorrentStatus> & { name: string }): DelugeTorrentStatus;
  /** Overwrites raw status fields of one torrent. */
  updateTorrent(hash: string, patch: Partial<DelugeTorrentStatus>): void;
  removeTorrent(hash: string): void;
  /** The next `count` requests get this HTTP status (default 503) and no JSON. */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

/** The one host a fresh fake lists, connected. */
export const DELUGE_FAKE_HOST_ID = 'c3a1f0e2d4b5968778695a4b3c2d1e0f';

export async function startDelugeFake({
  password: initialPassword = 'deluge',
  version = '2.0.3',
  downloadLocation = '/downloads',
}: {
  password?: string;
  version?: string;
  /** The daemon's default `download_location`. */
  downloadLocation?: string;
} = {}): Promise<DelugeFake> {
  let password = initialPassword;
  const sessions = new Set<string>();
  let hosts: DelugeFakeHost[] = [
    { id: DELUGE_FAKE_HOST_ID, host: '127.0.0.1', port: 58846, username: 'localclient', online: true },
  ];
  let connectedTo: string | null = DELUGE_FAKE_HOST_ID;
  const torrents = new Map<string, DelugeTorrentStatus>();
  const labels = new Set<string>();
  const calls: string[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 503 };

  const DAEMON_METHODS: Record<string, (params: unknown[]) => unknown> = {
    'daemon.get_version': () => version,
    'daemon.get_method_list': () => Object.keys(DAEMON_METHODS),
    'core.get_torrents_status': (params) => selectTorrents(params[0], params[1]),
    'core.remove_torrent': (params) => {
      const hash = String(params[0]);
      if (!torrents.delete(hash)) {
        throw new RpcError(
          4,
          `Failure: [Failure instance: Traceback (failure with no frames): <class 'deluge.error.InvalidTorrentError'>: torrent_id ${hash} not in session.\n]`,
        );
      }
      return true;
    },
    'label.get_labels': () => [...labels].sort(),
  };

  function selectTorrents(filter: unknown, keys: unknown): Record<string, Record<string, unknown>> {
    const wanted = Array.isArray(keys) ? keys.map(String) : [];
    const conditions = filter && typeof filter === 'object' ? Object.entries(filter) : [];
    const selected: Record<string, Record<string, unknown>> = {};
    for (const torrent of torrents.values()) {
      const record = torrent as unknown as Record<string, unknown>;
      const matches = conditions.every(([key, value]) =>
        Array.isArray(value) ? value.includes(record[key]) : record[key] === value,
      );
      if (!matches) continue;
      const picked: Record<string, unknown> = {};
      // Deluge drops field names it does not know and answers every key it does.
      for (const key of wanted.length > 0 ? wanted : Object.keys(record)) {
        if (key in record) picked[key] = record[key];
      }
      selected[torrent.hash] = picked;
    }
    return selected;
  }

  function countBy(key: 'state' | 'label', all: string[]): [string, number][] {
    const values = [...torrents.values()].map((torrent) => torrent[key]);
    return [
      ['All', values.length],
      ...all.map((name): [string, number] => [name, values.filter((v) => v === name).length]),
    ];
  }

  function updateUi(params: unknown[]) {
    const connected = connectedTo !== null;
    const stats = connected
      ? {
          max_download: -1.0,
          max_upload: -1.0,
          max_num_connections: 200,
          num_connections: 0,
          upload_rate: 0.0,
          download_rate: 0.0,
          download_protocol_rate: 0.0,
          upload_protocol_rate: 0.0,
          dht_nodes: 0,
          has_incoming_connections: 0,
          free_space: 80_882_335_744,
          external_ip: null,
        }
      : { max_download: null, max_upload: null, max_num_connections: null };
    if (!connected) return { connected, torrents: null, filters: null, stats };
    const states = [
      'Active',
      'Allocating',
      'Checking',
      'Downloading',
      'Seeding',
      'Paused',
      'Error',
      'Queued',
      'Moving',
    ];
    return {
      connected,
      torrents: selectTorrents(params[1], params[0]),
      filters: {
        state: countBy('state', states),
        tracker_host: [
          ['All', torrents.size],
          ['Error', 0],
        ],
        owner: [['localclient', torrents.size]],
        label: countBy('label', ['', ...labels]),
      },
      stats,
    };
  }

  function hostStatus(id: string): [string, string, string] {
    const host = hosts.find((candidate) => candidate.id === id);
    // Deluge 2.0.3 crashes on an unknown id (get_host_status returns a tuple, not a Deferred).
    if (!host) throw new RpcError(3, "AttributeError: 'tuple' object has no attribute 'addCallback'");
    if (connectedTo === id) return [id, 'Connected', version];
    return host.online ? [id, 'Online', version] : [id, 'Offline', ''];
  }

  const WEB_METHODS: Record<string, (params: unknown[]) => unknown> = {
    'web.connected': () => connectedTo !== null,
    'web.update_ui': updateUi,
    'web.get_hosts': () => hosts.map((host) => [host.id, host.host, host.port, host.username]),
    'web.get_host_status': (params) => hostStatus(String(params[0])),
    'web.connect': (params) => {
      const id = String(params[0]);
      const host = hosts.find((candidate) => candidate.id === id);
      if (!host) throw new RpcError(3, "AttributeError: 'NoneType' object has no attribute 'addCallback'");
      if (!host.online) return null;
      connectedTo = id;
      return Object.keys(DAEMON_METHODS);
    },
    'web.disconnect': () => {
      connectedTo = null;
      return 'Connection was closed cleanly.';
    },
    'auth.delete_session': () => true,
  };

  function answer(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  function cookieSession(req: IncomingMessage): string | null {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, value] = part.trim().split('=');
      if (name === '_session_id' && value && sessions.has(value)) return value;
    }
    return null;
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    if (failures.count > 0) {
      failures.count -= 1;
      calls.push(`HTTP ${failures.status}`);
      res.writeHead(failures.status, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
      return;
    }
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path !== '/json') {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    if (contentType !== 'application/json') {
      answer(res, {
        result: null,
        id: null,
        error: { code: 5, message: `JSONException: Invalid JSON request content-type: ${contentType}` },
      });
      return;
    }
    let request: { method?: unknown; params?: unknown; id?: unknown };
    try {
      request = JSON.parse(raw);
    } catch {
      answer(res, {
        result: null,
        id: null,
        error: { code: 5, message: 'JSONException: JSON not decodable' },
      });
      return;
    }
    const { method, params, id } = request;
    if (typeof method !== 'string' || !Array.isArray(params) || id === undefined) {
      answer(res, {
        result: null,
        id: null,
        error: {
          code: 5,
          message: `JSONException: Invalid JSON request, missing param in ${raw.slice(0, 80)}`,
        },
      });
      return;
    }
    calls.push(method);
    const reply = (result: unknown, error: { code: number; message: string } | null = null) =>
      answer(res, { result, error, id });

    if (method === 'auth.login') {
      if (params[0] !== password) {
        reply(false);
        return;
      }
      const session = randomBytes(34).toString('hex');
      sessions.add(session);
      const expires = new Date(Date.now() + 3_600_000).toUTCString();
      answer(
        res,
        { result: true, error: null, id },
        { 'set-cookie': `_session_id=${session}; Expires=${expires}; Path=/json` },
      );
      return;
    }
    if (method === 'auth.check_session') {
      reply(cookieSession(req) !== null);
      return;
    }
    const local = WEB_METHODS[method];
    const remote = connectedTo !== null ? DAEMON_METHODS[method] : undefined;
    if (!local && !remote) {
      reply(null, { message: 'Unknown method', code: 2 });
      return;
    }
    if (!cookieSession(req)) {
      reply(null, { message: 'Not authenticated', code: 1 });
      return;
    }
    try {
      reply((local ?? remote)?.(params) ?? null);
    } catch (error) {
      if (error instanceof RpcError) reply(null, { message: error.message, code: error.code });
      else throw error;
    }
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}`,
    version,
    calls,
    setPassword(next) {
      password = next;
    },
    expireSessions() {
      sessions.clear();
    },
    disconnect() {
      connectedTo = null;
    },
    setHosts(next, input = {}) {
      hosts = next.map((host) => ({ ...host }));
      connectedTo = input.connectTo ?? null;
    },
    connectedHostId: () => connectedTo,
    addTorrent(input) {
      const status = completeStatus(input, downloadLocation);
      torrents.set(status.hash, status);
      if (status.label) labels.add(status.label);
      return { ...status };
    },
    updateTorrent(hash, patch) {
      const torrent = torrents.get(hash);
      if (!torrent) throw new Error(`no torrent ${hash} in the Deluge fake`);
      Object.assign(torrent, patch);
      if (torrent.label) labels.add(torrent.label);
    },
    removeTorrent(hash) {
      torrents.delete(hash);
    },
    failNext(count, status = 503) {
      failures = { count, status };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Fills what Deluge would report for a torrent in `state` with `total_done` of `total_size` bytes. */
function completeStatus(
  input: Partial<DelugeTorrentStatus> & { name: string },
  downloadLocation: string,
): DelugeTorrentStatus {
  const state = input.state ?? 'Downloading';
  const size = input.total_size ?? input.total_wanted ?? 1_048_576;
  const wanted = input.total_wanted ?? size;
  const done = input.total_done ?? (state === 'Seeding' ? wanted : 0);
  const finished = input.is_finished ?? done >= wanted;
  const now = Math.floor(Date.now() / 1000);
  const location = input.download_location ?? input.save_path ?? downloadLocation;
  return {
    state,
    // Deluge reports the progress of the current task; in Error it is always 100.
    progress: state === 'Error' ? 100 : wanted > 0 ? (Math.min(done, wanted) / wanted) * 100 : 0,
    eta: 0,
    message: 'OK',
    is_finished: finished,
    is_seed: finished && state === 'Seeding',
    paused: state === 'Paused',
    save_path: location,
    download_location: location,
    total_wanted: wanted,
    total_done: done,
    total_remaining: Math.max(0, wanted - done),
    total_size: size,
    download_payload_rate: 0,
    upload_payload_rate: 0,
    time_added: now + 0.25,
    completed_time: finished ? now : 0,
    label: '',
    num_peers: 0,
    num_seeds: 0,
    active_time: 0,
    seeding_time: 0,
    ratio: 0,
    tracker_status: '',
    ...input,
    hash: (input.hash ?? randomBytes(20).toString('hex')).toLowerCase(),
  };
}
