/**
 * A contract fake of NZBGet's JSON-RPC API, following nzbgetcom/nzbget `docs/api/*.md`
 * (contracts.md §6.4) and what the real nzbget 21.0 (Debian 12) answered on loopback:
 *
 * - `POST <basePath>/jsonrpc` with `{"method","params":[positional],"id"}` and HTTP Basic auth
 *   (the add-only user gets `Access denied` as an RPC error for all but `version`/`append`).
 *   Missing or wrong credentials: `401` with `WWW-Authenticate: Basic realm="NZBGet"` and an empty
 *   body. Another path: `400` with NZBGet's HTML error page. Answers are
 *   `{"version":"1.1","id":n,"result":…}`; an unknown method or an unreadable body
 *   `{"version":"1.1","error":{"name":"JSONRPCError","code":1,"message":"Invalid procedure"}}`.
 * - `version` (`"21.0"`), `listgroups`, `history` (hidden entries only with `[true]`), `status`,
 *   `append` (10 positional params: the NZB is read for its segment sizes; content seen before goes
 *   straight to the history as `DELETED/COPY`, content that is not an NZB as `FAILURE/SCAN`; the
 *   PP-parameters are read as NZBGet 21 reads them, as a flat list of name, value strings, so
 *   Radarr's `["drone", id]` gives `drone=id`), `editqueue` (`GroupDelete` → history `DELETED/MANUAL`,
 *   `GroupFinalDelete`, `HistoryDelete` (hides), `HistoryFinalDelete`; with or without Radarr's
 *   old offset argument), `rate`, `pausedownload`, `resumedownload`.
 * - Entries carry every field 21.0 sends, in PascalCase, 64-bit sizes as `…Lo`/`…Hi`/`…MB`; the
 *   history `Status` is derived from the sub-statuses as NZBGet's `MakeTextStatus` does.
 * - Not modelled: NZBGet 21's broken keep-alive after a 401 (the client avoids it with
 *   `Connection: close`, which the fake records), the URL form `/<user>:<pass>/jsonrpc`, XML-RPC.
 *
 * The fake downloads nothing: tests put entries in any state with `addGroup`/`updateGroup`/
 * `finishGroup`/`addHistory`/`remove`, set global state with `setStatus`, and make trouble with
 * `setCredentials` and `failNext`. `calls` records every RPC (method and params) for assertions.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

type Raw = Record<string, unknown>;

/** A queue entry (`listgroups`) as NZBGet 21.0 sends it. */
export type NzbgetFakeGroup = Raw & { NZBID: number; Status: string; NZBName: string };
/** A history entry (`history`) as NZBGet 21.0 sends it. */
export type NzbgetFakeHistoryEntry = Raw & { NZBID: number; Status: string; Name: string };

export interface NzbgetFakeOptions {
  username?: string;
  password?: string;
  /** What `version` answers. */
  version?: string;
  /** NZBGet's add-only user (AddUsername/AddPassword): `version` and `append`, else `Access denied`. */
  addUser?: { username: string; password: string };
  /** A reverse-proxy prefix, e.g. `/nzbget`: only `<basePath>/jsonrpc` answers. */
  basePath?: string;
  /** What `DestDir` is built from (`<mainDir>/dst/<category>/<name>` once finished). */
  mainDir?: string;
}

export interface NzbgetFakeEntryInput {
  name: string;
  category?: string;
  /** `FileSize`; 1 MB by default. */
  sizeBytes?: number;
  /** Adds the `drone` parameter Radarr/Sonarr set. */
  drone?: string;
}

export interface NzbgetFakeGroupInput extends NzbgetFakeEntryInput {
  /** Queue `Status`; `QUEUED`, or `PAUSED` when `paused`. */
  status?: string;
  /** Every file paused (`PausedSize` = `RemainingSize`), as `append` with AddPaused does. */
  paused?: boolean;
  /** `RemainingSize`; all of it by default. */
  remainingBytes?: number;
  /** `PausedSize`; 0 by default (all remaining when `paused`). */
  pausedBytes?: number;
  /** Raw fields that win over everything else (e.g. `DeleteStatus`, `ActiveDownloads`). */
  fields?: Raw;
}

export interface NzbgetFakeHistoryInput extends NzbgetFakeEntryInput {
  /** Raw fields: sub-statuses (`ParStatus`, `DeleteStatus`, …), `Health`, `HistoryTime`, … */
  fields?: Raw;
  /** The combined `Status`; derived from the sub-statuses when not given. */
  status?: string;
}

export interface NzbgetFakeFailure {
  /** How many requests fail; 1 by default. */
  count?: number;
  /** Only calls of this RPC method. */
  method?: string;
  /** Answer with this HTTP status (and an empty body)... */
  status?: number;
  /** ...or with HTTP 200 and this JSON-RPC error message. */
  rpcError?: string;
}

export interface NzbgetFake {
  url: string;
  /** Every JSON-RPC call received (authorised or not), oldest first. */
  calls: Array<{ path: string; method: string; params: unknown[]; connection: string | undefined }>;
  addGroup(input: NzbgetFakeGroupInput): NzbgetFakeGroup;
  /** Changes raw fields; `remainingBytes`/`pausedBytes` set the size pairs. */
  updateGroup(nzbId: number, patch: Raw & { remainingBytes?: number; pausedBytes?: number }): NzbgetFakeGroup;
  /** Moves a queue entry to the history, successful (`SUCCESS/HEALTH`) unless `fields` say otherwise. */
  finishGroup(nzbId: number, fields?: Raw): NzbgetFakeHistoryEntry;
  addHistory(input: NzbgetFakeHistoryInput): NzbgetFakeHistoryEntry;
  /** A queue entry goes to the history as `DELETED/MANUAL` (`GroupDelete`); a history entry is dropped. */
  remove(nzbId: number): void;
  group(nzbId: number): NzbgetFakeGroup | undefined;
  /** The NZBID of the queue or history entry whose `drone` parameter is `arrId`. */
  nzbIdOf(arrId: string): number | undefined;
  historyEntry(nzbId: number): NzbgetFakeHistoryEntry | undefined;
  /** Raw `status` fields, e.g. `{ DownloadRate: 2_000_000, DownloadPaused: true }`. */
  setStatus(patch: Raw): void;
  setCredentials(input: { username: string; password: string }): void;
  failNext(failure: NzbgetFakeFailure): void;
  close(): Promise<void>;
}

const MiB = 1024 * 1024;

/** Fields `listgroups` has and `history` has not. */
const QUEUE_ONLY = new Set([
  'FirstID',
  'LastID',
  'RemainingSizeLo',
  'RemainingSizeHi',
  'RemainingSizeMB',
  'PausedSizeLo',
  'PausedSizeHi',
  'PausedSizeMB',
  'RemainingParCount',
  'MinPriority',
  'MaxPriority',
  'ActiveDownloads',
  'PostInfoText',
  'PostStageProgress',
  'PostStageTimeSec',
  'Status',
]);

/** NZBGet's three fields for one 64-bit size: `<prefix>Lo`, `<prefix>Hi`, `<prefix>MB`. */
export function nzbgetSizeFields(prefix: string, bytes: number): Raw {
  return {
    [`${prefix}Lo`]: bytes % 2 ** 32,
    [`${prefix}Hi`]: Math.floor(bytes / 2 ** 32),
    [`${prefix}MB`]: Math.floor(bytes / MiB),
  };
}

/** The history `Status` NZBGet derives from an entry's sub-statuses (`NZBInfo::MakeTextStatus`). */
export function nzbgetTextStatus(entry: Raw): string {
  const get = (key: string) => String(entry[key] ?? 'NONE');
  const [mark, del, par, unpack, move, script] = [
    get('MarkStatus'),
    get('DeleteStatus'),
    get('ParStatus'),
    get('UnpackStatus'),
    get('MoveStatus'),
    get('ScriptStatus'),
  ];
  if (entry.Kind === 'URL') {
    if (del === 'MANUAL' || del === 'DUPE') return `DELETED/${del}`;
    const url = get('UrlStatus');
    return url === 'FAILURE'
      ? 'FAILURE/FETCH'
      : url === 'SCAN_SKIPPED'
        ? 'WARNING/SKIPPED'
        : url === 'SCAN_FAILURE'
          ? 'FAILURE/SCAN'
          : 'SUCCESS/ALL';
  }
  const health = Number(entry.Health ?? 1000);
  const critical = Number(entry.CriticalHealth ?? 1000);
  const unchecked = (par === 'NONE' || par === 'SKIPPED') && (unpack === 'NONE' || unpack === 'SKIPPED');
  const deleted: Record<string, string> = {
    HEALTH: 'FAILURE/HEALTH',
    MANUAL: 'DELETED/MANUAL',
    DUPE: 'DELETED/DUPE',
    BAD: 'FAILURE/BAD',
    GOOD: 'DELETED/GOOD',
    COPY: 'DELETED/COPY',
    SCAN: 'FAILURE/SCAN',
  };
  if (mark === 'BAD') return 'FAILURE/BAD';
  if (mark === 'GOOD') return 'SUCCESS/GOOD';
  if (deleted[del]) return deleted[del];
  if (par === 'FAILURE') return 'FAILURE/PAR';
  if (unpack === 'FAILURE') return 'FAILURE/UNPACK';
  if (move === 'FAILURE') return 'FAILURE/MOVE';
  if (par === 'MANUAL') return 'WARNING/DAMAGED';
  if (par === 'REPAIR_POSSIBLE') return 'WARNING/REPAIRABLE';
  if (unchecked && health < critical) return 'FAILURE/HEALTH';
  if (unchecked && health < 1000) return 'WARNING/HEALTH';
  if (unchecked && script !== 'FAILURE') return 'SUCCESS/HEALTH';
  if (unpack === 'SPACE') return 'WARNING/SPACE';
  if (unpack === 'PASSWORD') return 'WARNING/PASSWORD';
  if ((unpack === 'SUCCESS' || par === 'SUCCESS') && script === 'SUCCESS') return 'SUCCESS/ALL';
  if (unpack === 'SUCCESS' && script === 'NONE') return 'SUCCESS/UNPACK';
  if (par === 'SUCCESS' && script === 'NONE') return 'SUCCESS/PAR';
  if (script === 'FAILURE') return 'WARNING/SCRIPT';
  return 'FAILURE/INTERNAL_ERROR';
}

/**
 * NZBGet 21's JSON reader takes the PP-parameters as the strings in order, paired up: Radarr's
 * `["drone", id]` is `drone=id`, while `[{"Name":"drone","Value":id}]` is `Name=drone`, `Value=id`.
 */
function readParameters(value: unknown): Array<{ Name: string; Value: string }> {
  const strings: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') strings.push(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, inner] of Object.entries(node)) {
        strings.push(key);
        walk(inner);
      }
    }
  };
  walk(value);
  const pairs: Array<{ Name: string; Value: string }> = [];
  for (let i = 0; i + 1 < strings.length; i += 2) {
    pairs.push({ Name: strings[i] as string, Value: strings[i + 1] as string });
  }
  return pairs;
}

export async function startNzbgetFake(options: NzbgetFakeOptions = {}): Promise<NzbgetFake> {
  let username = options.username ?? 'nzbget';
  let password = options.password ?? 'tegbzn6789';
  const version = options.version ?? '21.0';
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  const mainDir = options.mainDir ?? '/downloads';
  const groups = new Map<number, NzbgetFakeGroup>();
  /** Newest first, as NZBGet lists it. */
  let history: NzbgetFakeHistoryEntry[] = [];
  const hidden = new Set<number>();
  const seenContent = new Set<string>();
  const calls: NzbgetFake['calls'] = [];
  const failures: NzbgetFakeFailure[] = [];
  let status: Raw = {
    ...nzbgetSizeFields('RemainingSize', 0),
    ...nzbgetSizeFields('ForcedSize', 0),
    ...nzbgetSizeFields('DownloadedSize', 0),
    ...nzbgetSizeFields('MonthSize', 0),
    ...nzbgetSizeFields('DaySize', 0),
    ...nzbgetSizeFields('ArticleCache', 0),
    DownloadRate: 0,
    AverageDownloadRate: 0,
    DownloadLimit: 0,
    ThreadCount: 9,
    ParJobCount: 0,
    PostJobCount: 0,
    UrlCount: 0,
    UpTimeSec: 0,
    DownloadTimeSec: 0,
    ServerPaused: false,
    DownloadPaused: false,
    Download2Paused: false,
    ServerStandBy: true,
    PostPaused: false,
    ScanPaused: false,
    QuotaReached: false,
    ...nzbgetSizeFields('FreeDiskSpace', 80_000 * MiB),
    ServerTime: 0,
    ResumeTime: 0,
    FeedActive: false,
    QueueScriptCount: 0,
    NewsServers: [{ ID: 1, Active: true }],
  };
  let nextId = 1;
  const now = () => Math.floor(Date.now() / 1000);

  function commonFields(input: NzbgetFakeEntryInput, id: number, parameters?: Raw[]): Raw {
    const size = input.sizeBytes ?? 1_000_000;
    const articles = Math.max(1, Math.ceil(size / 500_000));
    return {
      NZBID: id,
      NZBName: input.name,
      NZBNicename: input.name,
      Kind: 'NZB',
      URL: '',
      NZBFilename: `${input.name}.nzb`,
      DestDir: `${mainDir}/inter/${input.name}.#${id}`,
      FinalDir: '',
      Category: input.category ?? '',
      ParStatus: 'NONE',
      ExParStatus: 'NONE',
      UnpackStatus: 'NONE',
      MoveStatus: 'NONE',
      ScriptStatus: 'NONE',
      DeleteStatus: 'NONE',
      MarkStatus: 'NONE',
      UrlStatus: 'NONE',
      ...nzbgetSizeFields('FileSize', size),
      FileCount: 1,
      MinPostTime: now() - 3600,
      MaxPostTime: now() - 3600,
      TotalArticles: articles,
      SuccessArticles: 0,
      FailedArticles: 0,
      Health: 1000,
      CriticalHealth: 1000,
      DupeKey: '',
      DupeScore: 0,
      DupeMode: 'SCORE',
      Deleted: false,
      ...nzbgetSizeFields('DownloadedSize', 0),
      DownloadTimeSec: 0,
      PostTotalTimeSec: 0,
      ParTimeSec: 0,
      RepairTimeSec: 0,
      UnpackTimeSec: 0,
      MessageCount: 1,
      ExtraParBlocks: 0,
      Parameters: parameters ?? [
        ...(input.drone === undefined ? [] : [{ Name: 'drone', Value: input.drone }]),
        { Name: '*Unpack:', Value: 'yes' },
      ],
      ScriptStatuses: [],
      ServerStats: [],
    };
  }

  function makeGroup(input: NzbgetFakeGroupInput, parameters?: Raw[]): NzbgetFakeGroup {
    const id = nextId++;
    const size = input.sizeBytes ?? 1_000_000;
    const remaining = input.remainingBytes ?? size;
    const paused = input.pausedBytes ?? (input.paused ? remaining : 0);
    const raw: Raw = {
      FirstID: id,
      LastID: id,
      ...nzbgetSizeFields('RemainingSize', remaining),
      ...nzbgetSizeFields('PausedSize', paused),
      RemainingFileCount: remaining > 0 ? 1 : 0,
      RemainingParCount: 0,
      MinPriority: 0,
      MaxPriority: 0,
      ActiveDownloads: 0,
      Status: input.status ?? (input.paused ? 'PAUSED' : 'QUEUED'),
      ...commonFields(input, id, parameters),
      PostInfoText: 'NONE',
      PostStageProgress: 0,
      PostStageTimeSec: 0,
      Log: [],
      ...input.fields,
    };
    const group = {
      ...raw,
      NZBID: Number(raw.NZBID),
      NZBName: String(raw.NZBName),
      Status: String(raw.Status),
    };
    groups.set(group.NZBID, group);
    return group;
  }

  function toHistory(entry: Raw, fields: Raw = {}, text?: string): NzbgetFakeHistoryEntry {
    const rest = Object.fromEntries(Object.entries(entry).filter(([key]) => !QUEUE_ONLY.has(key)));
    const merged: Raw = { ...rest, ...fields };
    const raw: Raw = {
      ID: merged.NZBID,
      Name: merged.NZBName,
      RemainingFileCount: 0,
      RetryData: false,
      HistoryTime: now(),
      Log: [],
      ...merged,
    };
    const result: NzbgetFakeHistoryEntry = {
      ...raw,
      NZBID: Number(raw.NZBID),
      Name: String(raw.Name),
      Status: text ?? nzbgetTextStatus(merged),
    };
    history = [result, ...history.filter((old) => old.NZBID !== result.NZBID)];
    return result;
  }

  function removeEntry(id: number, final: boolean): boolean {
    const group = groups.get(id);
    if (group) {
      groups.delete(id);
      if (!final) toHistory(group, { DeleteStatus: 'MANUAL', Deleted: true });
      return true;
    }
    const before = history.length;
    if (final) history = history.filter((entry) => entry.NZBID !== id);
    else if (history.some((entry) => entry.NZBID === id)) hidden.add(id);
    return final ? history.length < before : hidden.has(id);
  }

  /** `append`: NZBFilename, Content (base64), Category, Priority, AddToTop, AddPaused, DupeKey, DupeScore, DupeMode, PPParameters. */
  function append(params: unknown[]): number {
    const [filename, content, category, , , addPaused, , , , ppParameters] = params;
    const name = String(filename ?? '').replace(/\.nzb$/i, '') || 'unnamed';
    const nzb = Buffer.from(String(content ?? ''), 'base64').toString('utf8');
    const parameters: Raw[] = [...readParameters(ppParameters), { Name: '*Unpack:', Value: 'yes' }];
    const sizes = [...nzb.matchAll(/<segment[^>]*\bbytes="(\d+)"/g)].map((match) => Number(match[1]));
    const input = { name, category: String(category ?? ''), sizeBytes: sizes.reduce((a, b) => a + b, 0) };
    const group = makeGroup({ ...input, paused: addPaused === true }, parameters);
    group.TotalArticles = sizes.length;
    const digest = createHash('sha256').update(nzb).digest('hex');
    if (!nzb.includes('<nzb') || sizes.length === 0) {
      groups.delete(group.NZBID);
      toHistory(group, { DeleteStatus: 'SCAN', Deleted: true, ...nzbgetSizeFields('FileSize', 0) });
    } else if (seenContent.has(digest)) {
      groups.delete(group.NZBID);
      toHistory(group, { DeleteStatus: 'COPY', Deleted: true });
    }
    seenContent.add(digest);
    return group.NZBID;
  }

  /** `editqueue`: Command, Param, IDs (or Radarr's older Command, Offset, Param, ID). */
  function editQueue(params: unknown[]): boolean {
    const [command] = params;
    const last = params.at(-1);
    const ids = (Array.isArray(last) ? last : [last]).map(Number);
    const actions: Record<string, (id: number) => boolean> = {
      GroupDelete: (id) => groups.has(id) && removeEntry(id, false),
      GroupFinalDelete: (id) => groups.has(id) && removeEntry(id, true),
      HistoryDelete: (id) => !groups.has(id) && removeEntry(id, false),
      HistoryFinalDelete: (id) => !groups.has(id) && removeEntry(id, true),
    };
    const action = actions[String(command)];
    if (!action) throw new RpcError(3, 'Invalid action');
    return ids.length > 0 && ids.map(action).every(Boolean);
  }

  function execute(method: string, params: unknown[]): unknown {
    switch (method) {
      case 'version':
        return version;
      case 'listgroups':
        return [...groups.values()];
      case 'history':
        return params[0] === true
          ? history.map((entry) =>
              hidden.has(entry.NZBID)
                ? { ...entry, Kind: 'DUP', Status: `${String(entry.Status).split('/')[0]}/HIDDEN` }
                : entry,
            )
          : history.filter((entry) => !hidden.has(entry.NZBID));
      case 'status':
        return { ...status, ServerTime: now() };
      case 'append':
        return append(params);
      case 'editqueue':
        return editQueue(params);
      case 'rate':
        status = { ...status, DownloadLimit: Number(params[0] ?? 0) * 1024 };
        return true;
      case 'pausedownload':
        status = { ...status, DownloadPaused: true };
        return true;
      case 'resumedownload':
        status = { ...status, DownloadPaused: false };
        return true;
      default:
        throw new RpcError(1, 'Invalid procedure');
    }
  }

  /** Which of NZBGet's users the request authenticates as. */
  function userOf(req: IncomingMessage): 'control' | 'add' | null {
    const header = req.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return null;
    const pair = Buffer.from(header.slice(6), 'base64').toString('utf8');
    if (pair === `${username}:${password}`) return 'control';
    const add = options.addUser;
    return add && pair === `${add.username}:${add.password}` ? 'add' : null;
  }

  function send(res: ServerResponse, code: number, body: string, type = 'application/json'): void {
    res.writeHead(code, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    let request: { method?: unknown; params?: unknown; id?: unknown } | null = null;
    try {
      request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      request = null;
    }
    const method = typeof request?.method === 'string' ? request.method : '';
    const params = Array.isArray(request?.params) ? request.params : [];
    calls.push({ path, method, params, connection: req.headers.connection });

    const index = failures.findIndex((failure) => !failure.method || failure.method === method);
    const failure = index >= 0 ? failures[index] : undefined;
    if (failure) {
      failure.count = (failure.count ?? 1) - 1;
      if (failure.count <= 0) failures.splice(index, 1);
      if (failure.status !== undefined) return send(res, failure.status, '', 'text/plain');
    }
    const user = userOf(req);
    if (!user) {
      res.writeHead(401, {
        'WWW-Authenticate': 'Basic realm="NZBGet"',
        'Content-Type': 'text/plain',
        'Content-Length': 0,
      });
      return void res.end();
    }
    if (req.method !== 'POST' || path !== `${basePath}/jsonrpc`) {
      return send(
        res,
        400,
        '<html><head><title>400 Bad Request</title></head><body>Error: 400 Bad Request</body></html>',
        'text/html',
      );
    }
    const envelope: Raw = { version: '1.1' };
    if (request && request.id !== undefined) envelope.id = request.id;
    try {
      if (failure?.rpcError !== undefined) throw new RpcError(2, failure.rpcError);
      if (!request || !method) throw new RpcError(1, 'Invalid procedure');
      if (user === 'add' && method !== 'version' && method !== 'append')
        throw new RpcError(2, 'Access denied');
      envelope.result = execute(method, params);
    } catch (error) {
      if (!(error instanceof RpcError)) throw error;
      envelope.error = { name: 'JSONRPCError', code: error.code, message: error.message };
    }
    send(res, 200, JSON.stringify(envelope));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, '', 'text/plain');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  function mustGroup(nzbId: number): NzbgetFakeGroup {
    const group = groups.get(nzbId);
    if (!group) throw new Error(`no queue entry ${nzbId}`);
    return group;
  }

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    calls,
    addGroup: (input) => makeGroup(input),
    updateGroup(nzbId, { remainingBytes, pausedBytes, ...patch }) {
      const group = mustGroup(nzbId);
      Object.assign(
        group,
        remainingBytes === undefined ? {} : nzbgetSizeFields('RemainingSize', remainingBytes),
        pausedBytes === undefined ? {} : nzbgetSizeFields('PausedSize', pausedBytes),
        patch,
      );
      return group;
    },
    finishGroup(nzbId, fields = {}) {
      const group = mustGroup(nzbId);
      groups.delete(nzbId);
      const category = String(group.Category ?? '');
      return toHistory(group, {
        DestDir: `${mainDir}/dst/${category ? `${category}/` : ''}${group.NZBName}`,
        MoveStatus: 'SUCCESS',
        SuccessArticles: group.TotalArticles,
        ...fields,
      });
    },
    addHistory({ fields, status: text, ...input }) {
      const id = nextId++;
      const category = input.category ?? '';
      const base = commonFields(input, id);
      return toHistory(
        {
          ...base,
          DestDir: `${mainDir}/dst/${category ? `${category}/` : ''}${input.name}`,
          MoveStatus: 'SUCCESS',
          SuccessArticles: base.TotalArticles,
        },
        fields,
        text,
      );
    },
    remove: (nzbId) => {
      removeEntry(nzbId, !groups.has(nzbId));
    },
    group: (nzbId) => groups.get(nzbId),
    nzbIdOf(arrId) {
      const hasDrone = (entry: Raw) =>
        Array.isArray(entry.Parameters) &&
        entry.Parameters.some((p: Raw) => p.Name === 'drone' && p.Value === arrId);
      return [...groups.values(), ...history].find(hasDrone)?.NZBID;
    },
    historyEntry: (nzbId) => history.find((entry) => entry.NZBID === nzbId),
    setStatus(patch) {
      status = { ...status, ...patch };
    },
    setCredentials(input) {
      username = input.username;
      password = input.password;
    },
    failNext(failure) {
      failures.push({ count: 1, ...failure });
    },
    close: () =>
      new Promise<void>((resolve) => {
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
