/**
 * A contract fake of Transmission's RPC, following `docs/rpc-spec.md` (legacy kebab-case methods,
 * camelCase fields; contracts.md §6.2) and what the real transmission-daemon 3.00 (RPC version 16)
 * answered on loopback:
 *
 * - Only `POST <rpcPath>` (default `/transmission/rpc`) is the RPC; `GET` there is `405`, a path
 *   outside its folder (`/`, `/rpc`) a `301` to `/transmission/web/`, another path inside it `404`.
 * - Checks in the daemon's order: Basic auth first (`401` with `WWW-Authenticate` and
 *   `Unauthorized User. N unsuccessful login attempts.`; after 100 failures in a row `403 Too many
 *   unsuccessful login attempts. Please restart transmission-daemon.` to everyone; a success resets
 *   the count), then the session id: a request without the current `X-Transmission-Session-Id` gets
 *   `409` carrying it in that header (only the 409 carries it).
 * - Answers are `{"arguments":{…},"result":"success"}` (+ `tag` when sent); errors are the text in
 *   `result` (`method name not recognized`, `no fields specified`, `no method name` for bad JSON).
 * - `torrent-get`: only the requested fields, a field it does not know answered with `0` (as 3.00
 *   does); `ids` may be ints, hash strings or `recently-active`. Also `session-get`, `torrent-start`,
 *   `torrent-stop`, `torrent-set` (`labels`), `torrent-remove`.
 *
 * Tests put torrents in any state with `addTorrent`/`updateTorrent`/`removeTorrent`, and make
 * trouble with `setCredentials`, `rotateSessionId`, `simulateRestart` (new session id, integer ids
 * renumbered), `failNext` (5xx), `failNextRpc` (an error text in `result`) and `lockOut`. `calls`
 * records every request for assertions.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A torrent with the fields 3.00 sends, camelCase as on the wire. */
export interface TrFakeTorrent {
  id: number;
  hashString: string;
  name: string;
  downloadDir: string;
  totalSize: number;
  sizeWhenDone: number;
  leftUntilDone: number;
  percentDone: number;
  metadataPercentComplete: number;
  isFinished: boolean;
  isStalled: boolean;
  eta: number;
  status: number;
  error: number;
  errorString: string;
  rateDownload: number;
  rateUpload: number;
  addedDate: number;
  doneDate: number;
  labels: string[];
  peersConnected: number;
  queuePosition: number;
  recheckProgress: number;
  uploadedEver: number;
  downloadedEver: number;
}

/** Status codes of `torrent-get`. */
export const TR_STATUS = {
  stopped: 0,
  checkWait: 1,
  checking: 2,
  downloadWait: 3,
  downloading: 4,
  seedWait: 5,
  seeding: 6,
} as const;

export type TrFakeTorrentInput = Partial<Omit<TrFakeTorrent, 'id'>> & {
  /** Bytes of the torrent (totalSize and sizeWhenDone unless given). */
  sizeBytes?: number;
};

export interface TrFakeCall {
  method: string;
  /** RPC method, or '' when the request did not get that far. */
  rpc: string;
  status: number;
  /** The session id the request carried. */
  sessionId: string | null;
  /** The RPC `arguments`, when the request got that far. */
  args?: Record<string, unknown>;
}

export interface TransmissionFakeOptions {
  /** Basic auth is required when a username is given. */
  username?: string;
  password?: string;
  /** Where the RPC answers; a reverse-proxy prefix is simulated with e.g. `/tr/transmission/rpc`. */
  rpcPath?: string;
  version?: string;
  rpcVersion?: number;
  downloadDir?: string;
}

export interface TransmissionFake {
  /** The host root, as a user would type it (`http://127.0.0.1:<port>`). */
  url: string;
  /** The RPC endpoint itself. */
  rpcUrl: string;
  calls: TrFakeCall[];
  /** Adds a torrent: stopped, nothing downloaded, unless told otherwise. Returns a copy. */
  addTorrent(input?: TrFakeTorrentInput): TrFakeTorrent;
  /** Changes fields; `percentDone` alone also moves `leftUntilDone` (and `doneDate` when it reaches 1). */
  updateTorrent(hash: string, patch: Partial<Omit<TrFakeTorrent, 'id' | 'hashString'>>): TrFakeTorrent;
  removeTorrent(hash: string): void;
  torrent(hash: string): TrFakeTorrent | undefined;
  setCredentials(credentials: { username?: string; password?: string }): void;
  /** What 3.00 does every hour: the next request with the old id gets 409. */
  rotateSessionId(): string;
  readonly sessionId: string;
  /** A daemon restart: new session id, integer ids handed out again in another order. */
  simulateRestart(): void;
  /** The next `count` requests answer `status` (a 5xx from the daemon or a proxy in front of it). */
  failNext(input: { status: number; count?: number }): void;
  /** The next RPC request that gets past auth and the session check answers 200 with this `result`. */
  failNextRpc(result: string): void;
  /** 100 failed logins: every request gets 403 until `simulateRestart`. */
  lockOut(): void;
  close(): Promise<void>;
}

const LOCKOUT_AFTER = 100;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', Server: 'Transmission' });
  res.end(text);
}

function page(res: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=ISO-8859-1',
    Server: 'Transmission',
    ...headers,
  });
  res.end(html);
}

function newSessionId(): string {
  return randomBytes(36).toString('base64').replace(/[+/=]/g, 'x').slice(0, 48);
}

export async function startTransmissionFake(
  options: TransmissionFakeOptions = {},
): Promise<TransmissionFake> {
  const rpcPath = options.rpcPath ?? '/transmission/rpc';
  const version = options.version ?? '3.00 (bb6b5a062e)';
  const rpcVersion = options.rpcVersion ?? 16;
  const downloadDir = options.downloadDir ?? '/downloads/complete';
  let username = options.username;
  let password = options.password ?? '';
  let sessionId = newSessionId();
  let failedLogins = 0;
  let nextId = 1;
  let failures: { status: number; count: number } | null = null;
  let rpcFailure: string | null = null;
  const torrents = new Map<string, TrFakeTorrent>();
  const calls: TrFakeCall[] = [];

  function authorized(req: IncomingMessage): boolean {
    if (username === undefined) return true;
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    return decoded === `${username}:${password}`;
  }

  function pick(torrent: TrFakeTorrent, fields: unknown[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      if (typeof field !== 'string') continue;
      out[field] = field in torrent ? torrent[field as keyof TrFakeTorrent] : 0;
    }
    return out;
  }

  function select(ids: unknown): TrFakeTorrent[] {
    const all = [...torrents.values()];
    if (ids === undefined || ids === 'recently-active') return all;
    const wanted = Array.isArray(ids) ? ids : [ids];
    return all.filter((t) =>
      wanted.some((id) => id === t.id || (typeof id === 'string' && id.toLowerCase() === t.hashString)),
    );
  }

  /** Runs one RPC request; returns `result` and `arguments`. */
  function execute(method: string, args: Record<string, unknown>): { result: string; arguments: unknown } {
    switch (method) {
      case 'session-get': {
        const session: Record<string, unknown> = {
          version,
          'rpc-version': rpcVersion,
          'rpc-version-minimum': 1,
          'download-dir': downloadDir,
          'config-dir': '/var/lib/transmission-daemon/info',
        };
        const fields = Array.isArray(args.fields) ? args.fields : Object.keys(session);
        return {
          result: 'success',
          arguments: Object.fromEntries(
            fields
              .filter((f): f is string => typeof f === 'string' && f in session)
              .map((f) => [f, session[f]]),
          ),
        };
      }
      case 'torrent-get': {
        if (!Array.isArray(args.fields) || args.fields.length === 0) {
          return { result: 'no fields specified', arguments: { torrents: [] } };
        }
        const fields = args.fields;
        const list = select(args.ids).map((t) => pick(t, fields));
        return {
          result: 'success',
          arguments: args.ids === 'recently-active' ? { torrents: list, removed: [] } : { torrents: list },
        };
      }
      case 'torrent-start':
      case 'torrent-stop': {
        for (const t of select(args.ids)) {
          if (method === 'torrent-stop') t.status = TR_STATUS.stopped;
          else t.status = t.leftUntilDone === 0 ? TR_STATUS.seeding : TR_STATUS.downloading;
        }
        return { result: 'success', arguments: {} };
      }
      case 'torrent-set': {
        const labels = args.labels;
        if (labels !== undefined) {
          if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || l.includes(','))) {
            return { result: 'labels cannot contain comma (,) character', arguments: {} };
          }
          for (const t of select(args.ids)) t.labels = [...labels];
        }
        return { result: 'success', arguments: {} };
      }
      case 'torrent-remove': {
        for (const t of select(args.ids)) torrents.delete(t.hashString);
        return { result: 'success', arguments: {} };
      }
      default:
        return { result: 'method name not recognized', arguments: {} };
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const call: TrFakeCall = {
      method: req.method ?? '',
      rpc: '',
      status: 0,
      sessionId: (req.headers['x-transmission-session-id'] as string | undefined) ?? null,
    };
    calls.push(call);
    const answer = (status: number, send: () => void) => {
      call.status = status;
      send();
    };
    const path = (req.url ?? '/').split('?')[0];

    if (failures && failures.count > 0) {
      failures.count -= 1;
      const { status } = failures;
      answer(status, () => page(res, status, `<h1>${status}: Server Error</h1>`));
      return;
    }
    if (username !== undefined && failedLogins >= LOCKOUT_AFTER) {
      answer(403, () =>
        page(
          res,
          403,
          '<h1>403: Forbidden</h1><p>Too many unsuccessful login attempts. Please restart transmission-daemon.</p>',
        ),
      );
      return;
    }
    if (!authorized(req)) {
      failedLogins += 1;
      answer(401, () =>
        page(
          res,
          401,
          `<h1>401: Unauthorized</h1><p>Unauthorized User. ${failedLogins} unsuccessful login attempts.</p>`,
          { 'WWW-Authenticate': 'Basic realm="Transmission"' },
        ),
      );
      return;
    }
    failedLogins = 0;
    if (!path?.startsWith(rpcPath.slice(0, rpcPath.lastIndexOf('/') + 1))) {
      answer(301, () =>
        page(res, 301, '<h1>301: Moved Permanently</h1>', { Location: '/transmission/web/' }),
      );
      return;
    }
    if (path !== rpcPath) {
      answer(404, () => page(res, 404, '<h1>404: Not Found</h1>'));
      return;
    }
    if (req.method !== 'POST') {
      answer(405, () => page(res, 405, '<h1>405: Method Not Allowed</h1>'));
      return;
    }
    if (call.sessionId !== sessionId) {
      answer(409, () =>
        page(
          res,
          409,
          `<h1>409: Conflict</h1><p>Your request had an invalid session-id header.</p><p><code>X-Transmission-Session-Id: ${sessionId}</code></p>`,
          { 'X-Transmission-Session-Id': sessionId },
        ),
      );
      return;
    }
    let request: { method?: unknown; arguments?: unknown; tag?: unknown };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      request = {};
    }
    const tag = typeof request.tag === 'number' ? { tag: request.tag } : {};
    if (typeof request.method !== 'string') {
      answer(200, () => json(res, 200, { arguments: {}, result: 'no method name', ...tag }));
      return;
    }
    call.rpc = request.method;
    const args =
      request.arguments && typeof request.arguments === 'object'
        ? (request.arguments as Record<string, unknown>)
        : {};
    call.args = args;
    if (rpcFailure !== null) {
      const result = rpcFailure;
      rpcFailure = null;
      answer(200, () => json(res, 200, { arguments: {}, result, ...tag }));
      return;
    }
    const outcome = execute(request.method, args);
    answer(200, () => json(res, 200, { arguments: outcome.arguments, result: outcome.result, ...tag }));
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;

  function mustGet(hash: string): TrFakeTorrent {
    const torrent = torrents.get(hash.toLowerCase());
    if (!torrent) throw new Error(`Transmission fake: no torrent ${hash}`);
    return torrent;
  }

  return {
    url,
    rpcUrl: `${url}${rpcPath}`,
    calls,
    get sessionId() {
      return sessionId;
    },

    addTorrent(input = {}) {
      const { sizeBytes = 1_000_000, ...fields } = input;
      const name = fields.name ?? `Fake.Torrent.${randomBytes(3).toString('hex')}`;
      const hashString = (
        fields.hashString ?? createHash('sha1').update(randomBytes(16)).digest('hex')
      ).toLowerCase();
      const percentDone = fields.percentDone ?? 0;
      const sizeWhenDone = fields.sizeWhenDone ?? sizeBytes;
      const now = Math.floor(Date.now() / 1000);
      const torrent: TrFakeTorrent = {
        downloadDir,
        totalSize: sizeBytes,
        metadataPercentComplete: 1,
        isFinished: false,
        isStalled: false,
        eta: -1,
        status: TR_STATUS.stopped,
        error: 0,
        errorString: '',
        rateDownload: 0,
        rateUpload: 0,
        addedDate: now,
        doneDate: percentDone >= 1 ? now : 0,
        labels: [],
        peersConnected: 0,
        queuePosition: torrents.size,
        recheckProgress: 0,
        uploadedEver: 0,
        downloadedEver: Math.round(sizeWhenDone * percentDone),
        leftUntilDone: sizeWhenDone - Math.round(sizeWhenDone * percentDone),
        ...fields,
        id: nextId++,
        hashString,
        name,
        sizeWhenDone,
        percentDone,
      };
      if (torrents.has(hashString)) throw new Error(`Transmission fake: ${hashString} is already there`);
      torrents.set(hashString, torrent);
      return { ...torrent, labels: [...torrent.labels] };
    },

    updateTorrent(hash, patch) {
      const torrent = mustGet(hash);
      Object.assign(torrent, patch);
      if (patch.percentDone !== undefined && patch.leftUntilDone === undefined) {
        torrent.leftUntilDone = torrent.sizeWhenDone - Math.round(torrent.sizeWhenDone * patch.percentDone);
      }
      if (patch.percentDone !== undefined && patch.percentDone >= 1 && patch.doneDate === undefined) {
        torrent.doneDate = torrent.doneDate || Math.floor(Date.now() / 1000);
      }
      return { ...torrent, labels: [...torrent.labels] };
    },

    removeTorrent(hash) {
      torrents.delete(hash.toLowerCase());
    },

    torrent(hash) {
      const torrent = torrents.get(hash.toLowerCase());
      return torrent ? { ...torrent, labels: [...torrent.labels] } : undefined;
    },

    setCredentials(credentials) {
      username = credentials.username;
      password = credentials.password ?? '';
    },

    rotateSessionId() {
      sessionId = newSessionId();
      return sessionId;
    },

    simulateRestart() {
      sessionId = newSessionId();
      failedLogins = 0;
      nextId = 1;
      for (const torrent of [...torrents.values()].reverse()) torrent.id = nextId++;
    },

    failNext({ status, count = 1 }) {
      failures = { status, count };
    },

    failNextRpc(result) {
      rpcFailure = result;
    },

    lockOut() {
      failedLogins = LOCKOUT_AFTER;
    },

    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
