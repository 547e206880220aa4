/**
 * A contract fake of SABnzbd's HTTP API (`<base>/api?mode=…`), the reference for the SABnzbd client
 * since no real SABnzbd runs in this setup.
 *
 * It follows SABnzbd's own Tavern API specs (sabnzbd/sabnzbd develop `5f933ddc`, copied to
 * shared/contracts/sabnzbd and checked key for key by sabnzbd.fake.test.ts) and, for behaviour those
 * specs do not pin, `sabnzbd/api.py` (`build_queue`, `build_history`, `add_active_history`,
 * `calc_timeleft`, `report`), `misc.to_units` and `security.check_apikey` of SABnzbd 4.x/5.x, as written
 * up in contracts.md §6.3:
 * - JSON with `Content-Type: application/json;charset=UTF-8`, `Pragma: no-cache`; every answer is JSON
 *   whatever `output` says (the fake has no XML; SABnzbd's XML stages are not served).
 * - Queue numbers are strings (`mb`/`mbleft` `"%.2f"` MiB, `percentage` whole percent, `kbpersec`),
 *   sizes are human strings (`"700.0 MB"`), `timeleft` is `H:MM:SS` or `D:HH:MM:SS`, and `0:00:00`
 *   for every job that is not downloading. In a running queue every job that is not paused, grabbing
 *   or fetching shows `Downloading` (or `Propagating`/`Checking`); in a paused queue jobs show their own
 *   status, `Force` jobs show `Downloading`.
 * - Queue slots carry `cat`, history slots `category`. History: jobs still post-processing first, then
 *   finished ones newest first; `bytes` and `completed` are integers; `limit=0` or none means
 *   SABnzbd's `history_limit` (10 here), for the queue it means all.
 * - Auth: `mode=version` and `mode=auth` need no key; otherwise a missing/wrong `apikey` gets HTTP 403
 *   `API Key Required`/`API Key Incorrect` (empty body with `api_warnings` off), or, in the 3.x style,
 *   HTTP 200 `{"status": false, "error": "API Key Incorrect"}`.
 *
 * Test drivers put jobs in states (queue slots, history slots, post-processing, a paused queue, the
 * global speed), change the key, and inject 5xx or non-JSON answers. Reusable by end-to-end tests and
 * benchmarks: state is plain data, answers are computed per request.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export const SABNZBD_FAKE_VERSION = '4.5.1';
export const SABNZBD_FAKE_API_KEY = 'f0e1d2c3b4a5968778695a4b3c2d1e0f';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;
/** SABnzbd's default `history_limit`, applied when a history call gives no `limit`. */
const DEFAULT_HISTORY_LIMIT = 10;

/** A queue job's own status (what `nzo.status` holds; the API may show it differently, see above). */
export type SabFakeQueueStatus = 'Queued' | 'Downloading' | 'Paused' | 'Checking' | 'Fetching' | 'Grabbing';
export type SabFakePriority = 'Force' | 'Repair' | 'High' | 'Normal' | 'Low';
/** Post-processing stages, shown in history while a job is being verified, repaired, unpacked... */
export type SabFakePostProcessingStatus =
  | 'Queued'
  | 'QuickCheck'
  | 'Verifying'
  | 'Repairing'
  | 'Extracting'
  | 'Moving'
  | 'Running';
export type SabFakeHistoryStatus = 'Completed' | 'Failed' | SabFakePostProcessingStatus;

export interface SabFakeQueueSlotInput {
  /** Default: a fresh `SABnzbd_nzo_…`. */
  nzoId?: string;
  name: string;
  /** Rendered as `cat`; null → `"None"`. Default `"*"` (SABnzbd's Default category). */
  category?: string | null;
  /** Default `Queued`. */
  status?: SabFakeQueueStatus;
  /** Default `Normal`. */
  priority?: SabFakePriority;
  /** Rendered as `mb` (MiB, `"%.2f"`). Default 1 GiB. */
  sizeBytes?: number;
  /** Rendered as `mbleft`. Default: all of it. */
  remainingBytes?: number;
  /** Rendered as `mbmissing`. */
  missingBytes?: number;
  /** Held back by SABnzbd's propagation delay (shows `Propagating` in a running queue). */
  propagating?: boolean;
  /** Overrides the computed `percentage` string. */
  percentage?: string;
  /** Overrides the computed `timeleft` string. */
  timeleft?: string;
  /** Epoch seconds; default now. */
  timeAdded?: number;
  password?: string;
}

export interface SabFakeHistorySlotInput {
  nzoId?: string;
  name: string;
  /** Rendered as `category`. Default `"*"`. */
  category?: string | null;
  /** Default `Completed`. */
  status?: SabFakeHistoryStatus;
  /** Bytes downloaded. Default 1 GiB. */
  bytes?: number;
  /** `""` unless given. */
  failMessage?: string;
  /** Final folder. Default: `/downloads/complete/<category>/<name>` once Completed, `""` otherwise. */
  storage?: string;
  /** The job's incomplete folder. Default `/downloads/incomplete/<name>`. */
  path?: string;
  /** Epoch seconds; default now (SABnzbd also says "now" for jobs still post-processing). */
  completed?: number;
  timeAdded?: number;
}

export interface SabFakeCall {
  method: string;
  /** Path without the query. */
  path: string;
  /** Query parameters (the `apikey` included, as sent). */
  params: Record<string, string>;
}

export interface SabnzbdFakeOptions {
  apiKey?: string;
  version?: string;
  /** Reverse-proxy style prefix, e.g. `/sabnzbd`: the API is then at `/sabnzbd/api`. */
  urlBase?: string;
}

interface QueueJob {
  nzoId: string;
  name: string;
  category: string | null;
  status: SabFakeQueueStatus;
  priority: SabFakePriority;
  sizeBytes: number;
  remainingBytes: number;
  missingBytes: number;
  propagating: boolean;
  percentage: string | undefined;
  timeleft: string | undefined;
  timeAdded: number;
  password: string;
}

interface HistoryJob {
  nzoId: string;
  name: string;
  category: string | null;
  status: SabFakeHistoryStatus;
  bytes: number;
  failMessage: string;
  storage: string | undefined;
  path: string | undefined;
  completed: number;
  timeAdded: number;
  /** Insertion order, newest highest: breaks ties between equal `completed`. */
  sequence: number;
  md5sum: string;
}

interface CannedAnswer {
  status: number;
  body: string;
  contentType: string;
}

const JSON_HEADERS = {
  'Content-Type': 'application/json;charset=UTF-8',
  Pragma: 'no-cache',
  'Access-Control-Allow-Origin': '*',
};

const now = () => Math.floor(Date.now() / 1000);
const newNzoId = () =>
  `SABnzbd_nzo_${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').toLowerCase()}`;
const mib = (bytes: number) => (bytes / MIB).toFixed(2);

/** `misc.to_units`: K/M/G/T/P with one decimal from M up, and a space before the unit (`"0 "`). */
export function sabToUnits(value: number): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P'];
  let rest = Math.abs(value);
  let n = 0;
  while (rest > 1023 && n < 5) {
    rest /= 1024;
    n += 1;
  }
  return `${value < 0 ? '-' : ''}${rest.toFixed(n > 1 ? 1 : 0)} ${units[n]}`;
}

/** `misc.to_units(bytes, "B")`, SABnzbd's size strings: `"700.0 MB"`, `"0 B"`. */
export function sabSize(bytes: number): string {
  return `${sabToUnits(bytes)}B`;
}

/** `api.calc_timeleft`: `H:MM:SS`, `D:HH:MM:SS` from one day, `0:00:00` when nothing is left or moving. */
export function sabTimeLeft({
  bytesLeft,
  bytesPerSecond,
}: {
  bytesLeft: number;
  bytesPerSecond: number;
}): string {
  if (bytesLeft <= 0 || bytesPerSecond <= 0) return '0:00:00';
  const total = Math.floor(bytesLeft / bytesPerSecond);
  const seconds = total % 60;
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600) % 24;
  const days = Math.floor(total / 86400);
  const two = (n: number) => String(n).padStart(2, '0');
  return days > 0
    ? `${days}:${two(hours)}:${two(minutes)}:${two(seconds)}`
    : `${hours}:${two(minutes)}:${two(seconds)}`;
}

const isFinished = (job: HistoryJob) => job.status === 'Completed' || job.status === 'Failed';

function splitList(value: string | null): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

export async function startSabnzbdFake(options: SabnzbdFakeOptions = {}) {
  const version = options.version ?? SABNZBD_FAKE_VERSION;
  const urlBase = (options.urlBase ?? '').replace(/\/+$/, '');
  let apiKey = options.apiKey ?? SABNZBD_FAKE_API_KEY;
  let apiWarnings = true;
  let authErrorStyle: 'http403' | 'json200' = 'http403';
  let queuePaused = false;
  let bytesPerSecond = 0;
  let historySequence = 0;
  let lastHistoryUpdate = 1;
  const queue: QueueJob[] = [];
  const history: HistoryJob[] = [];
  const canned: CannedAnswer[] = [];
  const calls: SabFakeCall[] = [];

  function historyChanged() {
    lastHistoryUpdate += 1;
  }

  function queueJob(nzoId: string): QueueJob {
    const job = queue.find((candidate) => candidate.nzoId === nzoId);
    if (!job) throw new Error(`SABnzbd fake: no queue job ${nzoId}`);
    return job;
  }

  function historyJob(nzoId: string): HistoryJob {
    const job = history.find((candidate) => candidate.nzoId === nzoId);
    if (!job) throw new Error(`SABnzbd fake: no history job ${nzoId}`);
    return job;
  }

  function applyQueueInput(job: QueueJob, input: Partial<SabFakeQueueSlotInput>) {
    if (input.name !== undefined) job.name = input.name;
    if (input.category !== undefined) job.category = input.category;
    if (input.status !== undefined) job.status = input.status;
    if (input.priority !== undefined) job.priority = input.priority;
    if (input.sizeBytes !== undefined) job.sizeBytes = input.sizeBytes;
    if (input.remainingBytes !== undefined) job.remainingBytes = input.remainingBytes;
    if (input.missingBytes !== undefined) job.missingBytes = input.missingBytes;
    if (input.propagating !== undefined) job.propagating = input.propagating;
    if (input.percentage !== undefined) job.percentage = input.percentage;
    if (input.timeleft !== undefined) job.timeleft = input.timeleft;
    if (input.timeAdded !== undefined) job.timeAdded = input.timeAdded;
    if (input.password !== undefined) job.password = input.password;
  }

  function applyHistoryInput(job: HistoryJob, input: Partial<SabFakeHistorySlotInput>) {
    if (input.name !== undefined) job.name = input.name;
    if (input.category !== undefined) job.category = input.category;
    if (input.status !== undefined) job.status = input.status;
    if (input.bytes !== undefined) job.bytes = input.bytes;
    if (input.failMessage !== undefined) job.failMessage = input.failMessage;
    if (input.storage !== undefined) job.storage = input.storage;
    if (input.path !== undefined) job.path = input.path;
    if (input.completed !== undefined) job.completed = input.completed;
    if (input.timeAdded !== undefined) job.timeAdded = input.timeAdded;
  }

  function addHistory(input: SabFakeHistorySlotInput): string {
    const job: HistoryJob = {
      nzoId: input.nzoId ?? newNzoId(),
      name: input.name,
      category: '*',
      status: 'Completed',
      bytes: GIB,
      failMessage: '',
      storage: undefined,
      path: undefined,
      completed: now(),
      timeAdded: now(),
      sequence: 0,
      md5sum: randomBytes(16).toString('hex'),
    };
    applyHistoryInput(job, input);
    historySequence += 1;
    job.sequence = historySequence;
    history.push(job);
    historyChanged();
    return job.nzoId;
  }

  // --- rendering, as api.py builds it -------------------------------------------------------------

  function queueSlotStatus(job: QueueJob): string {
    if (!queuePaused && !['Paused', 'Fetching', 'Grabbing'].includes(job.status)) {
      if (job.propagating) return 'Propagating';
      return job.status === 'Checking' ? 'Checking' : 'Downloading';
    }
    return job.priority === 'Force' ? 'Downloading' : job.status;
  }

  function renderQueue(params: URLSearchParams) {
    const start = Math.max(0, Number.parseInt(params.get('start') ?? '0', 10) || 0);
    const limit = Math.max(0, Number.parseInt(params.get('limit') ?? '0', 10) || 0);
    const categories = splitList(params.get('cat') || params.get('category'));
    const nzoIds = splitList(params.get('nzo_ids'));
    const statuses = splitList(params.get('status'));
    const search = params.get('search')?.toLowerCase();

    const matched = queue.filter(
      (job) =>
        (categories.length === 0 || categories.includes(job.category ?? 'None')) &&
        (nzoIds.length === 0 || nzoIds.includes(job.nzoId)) &&
        (statuses.length === 0 || statuses.includes(job.status)) &&
        (!search || job.name.toLowerCase().includes(search)),
    );
    // Each job's time left counts the jobs before it, across pages (`bytes_left_previous_page`).
    let runningBytes = 0;
    const slots = matched.map((job, position) => {
      const status = queueSlotStatus(job);
      let timeleft = '0:00:00';
      const waiting =
        queuePaused || job.propagating || !['Downloading', 'Fetching', 'Queued'].includes(job.status);
      if (!waiting || job.priority === 'Force') {
        runningBytes += job.remainingBytes;
        timeleft = sabTimeLeft({ bytesLeft: runningBytes, bytesPerSecond });
      }
      const mbTotal = job.sizeBytes / MIB;
      const mbLeft = job.remainingBytes / MIB;
      return {
        index: position,
        nzo_id: job.nzoId,
        unpackopts: '3',
        priority: job.priority,
        script: 'None',
        filename: job.name,
        labels: [] as string[],
        password: job.password,
        cat: job.category ?? 'None',
        mbleft: mib(job.remainingBytes),
        mb: mib(job.sizeBytes),
        size: sabSize(job.sizeBytes),
        sizeleft: sabSize(job.remainingBytes),
        percentage:
          job.percentage ??
          (mbTotal !== mbLeft ? String(Math.trunc(((mbTotal - mbLeft) / mbTotal) * 100)) : '0'),
        mbmissing: mib(job.missingBytes),
        direct_unpack: null,
        status,
        timeleft: job.timeleft ?? timeleft,
        avg_age: '1d',
        time_added: job.timeAdded,
      };
    });
    const page = limit > 0 ? slots.slice(start, start + limit) : slots.slice(start);
    const totalBytes = queue.reduce((sum, job) => sum + job.sizeBytes, 0);
    const bytesLeft = queue.reduce((sum, job) => sum + job.remainingBytes, 0);
    return {
      queue: {
        version,
        paused: queuePaused,
        pause_int: '0',
        paused_all: false,
        diskspace1: '812.34',
        diskspace2: '812.34',
        diskspace1_norm: sabToUnits(812.34 * GIB),
        diskspace2_norm: sabToUnits(812.34 * GIB),
        diskspacetotal1: '931.51',
        diskspacetotal2: '931.51',
        speedlimit: '100',
        speedlimit_abs: '',
        have_warnings: '0',
        finishaction: null,
        quota: sabToUnits(0),
        have_quota: false,
        left_quota: sabToUnits(0),
        cache_art: '0',
        cache_size: sabSize(0),
        kbpersec: (bytesPerSecond / KIB).toFixed(2),
        speed: sabToUnits(bytesPerSecond),
        mbleft: mib(bytesLeft),
        mb: mib(totalBytes),
        sizeleft: sabSize(bytesLeft),
        size: sabSize(totalBytes),
        noofslots_total: queue.length,
        status: queuePaused ? 'Paused' : bytesPerSecond > 0 ? 'Downloading' : 'Idle',
        timeleft: sabTimeLeft({ bytesLeft, bytesPerSecond }),
        noofslots: matched.length,
        start,
        limit,
        finish: start + limit,
        slots: page,
      },
    };
  }

  function renderHistorySlot(job: HistoryJob) {
    const finished = isFinished(job);
    const category = job.category ?? 'None';
    const storage =
      job.storage ??
      (job.status === 'Completed'
        ? `/downloads/complete/${job.category && job.category !== '*' ? `${job.category}/` : ''}${job.name}`
        : '');
    return {
      completed: finished ? job.completed : now(),
      name: job.name,
      nzb_name: `${job.name}.nzb`,
      category,
      pp: 'D',
      script: 'None',
      report: '',
      url: '',
      status: job.status,
      nzo_id: job.nzoId,
      storage,
      path: job.path ?? `/downloads/incomplete/${job.name}`,
      script_line: '',
      download_time: 60,
      postproc_time: finished ? 5 : 0,
      stage_log: finished
        ? [{ name: 'Download', actions: [`Downloaded in 1 min at ${sabSize(job.bytes / 60)}/s`] }]
        : [],
      downloaded: job.bytes,
      completeness: null,
      fail_message: job.failMessage,
      url_info: '',
      bytes: job.bytes,
      meta: null,
      series: '',
      duplicate_key: job.name,
      md5sum: finished ? job.md5sum : '',
      password: '',
      action_line: '',
      size: sabSize(job.bytes),
      loaded: !finished,
      retry: job.status === 'Failed',
      archive: false,
      time_added: job.timeAdded,
    };
  }

  function renderHistory(params: URLSearchParams) {
    const seen = Number.parseInt(params.get('last_history_update') ?? '0', 10) || 0;
    if (seen === lastHistoryUpdate) return { history: false };
    const start = Math.max(0, Number.parseInt(params.get('start') ?? '0', 10) || 0);
    const limit = Number.parseInt(params.get('limit') ?? '0', 10) || DEFAULT_HISTORY_LIMIT;
    const categories = splitList(params.get('cat') || params.get('category'));
    const nzoIds = splitList(params.get('nzo_ids'));
    const statuses = params.get('failed_only') === '1' ? ['Failed'] : splitList(params.get('status'));
    const search = params.get('search')?.toLowerCase();

    const matched = history.filter(
      (job) =>
        (categories.length === 0 || categories.includes(job.category ?? 'None')) &&
        (nzoIds.length === 0 || nzoIds.includes(job.nzoId)) &&
        (statuses.length === 0 || statuses.includes(job.status)) &&
        (!search || job.name.toLowerCase().includes(search)),
    );
    const postProcessing = matched.filter((job) => !isFinished(job));
    const finished = matched
      .filter(isFinished)
      .sort((a, b) => b.completed - a.completed || b.sequence - a.sequence);
    const ordered = [...postProcessing, ...finished];
    const totalBytes = history.reduce((sum, job) => sum + job.bytes, 0);
    return {
      history: {
        total_size: sabToUnits(totalBytes),
        month_size: sabToUnits(totalBytes),
        week_size: sabToUnits(totalBytes),
        day_size: sabToUnits(totalBytes),
        slots: ordered.slice(start, start + limit).map(renderHistorySlot),
        ppslots: postProcessing.length,
        noofslots: ordered.length,
        last_history_update: lastHistoryUpdate,
        version,
      },
    };
  }

  function renderFiles(nzoId: string | null) {
    if (!nzoId) return { status: false, error: 'expects one parameter' };
    const job = queue.find((candidate) => candidate.nzoId === nzoId);
    if (!job) return { files: [] };
    const done = job.sizeBytes - job.remainingBytes;
    return {
      files: [
        {
          filename: `${job.name}.mkv`,
          mbleft: mib(job.remainingBytes),
          mb: mib(job.sizeBytes),
          bytes: job.sizeBytes.toFixed(2),
          age: '1d',
          nzf_id: `SABnzbd_nzf_${job.nzoId.slice(-6)}`,
          status: done > 0 ? 'active' : 'queued',
        },
      ],
    };
  }

  function renderServerStats() {
    const total = history.reduce((sum, job) => sum + job.bytes, 0);
    const today = new Date().toISOString().slice(0, 10);
    return {
      total,
      month: total,
      week: total,
      day: total,
      servers: {
        'news.example.com': {
          total,
          month: total,
          week: total,
          day: total,
          daily: { [today]: total },
          articles_tried: Math.ceil(total / (750 * KIB)),
          articles_success: Math.ceil(total / (750 * KIB)),
        },
      },
    };
  }

  /** `mode=queue&name=…`: the job operations the fake supports; the rest say "not implemented". */
  function queueOperation(name: string, params: URLSearchParams): unknown {
    const ids = splitList(params.get('value'));
    if (name === 'delete') {
      const removed = ids.filter((id) => removeFrom(queue, id));
      return { status: removed.length > 0, nzo_ids: removed };
    }
    if (name === 'pause' || name === 'resume') {
      const handled = queue.filter((job) => ids.includes(job.nzoId));
      for (const job of handled) job.status = name === 'pause' ? 'Paused' : 'Queued';
      return { status: handled.length > 0, nzo_ids: handled.map((job) => job.nzoId) };
    }
    return { status: false, error: 'not implemented' };
  }

  function historyOperation(params: URLSearchParams): unknown {
    const ids = splitList(params.get('value'));
    if (ids.length === 0) return { status: false, error: 'expects one parameter' };
    for (const id of ids) removeFrom(history, id);
    historyChanged();
    return { status: true };
  }

  function answer(params: URLSearchParams): unknown {
    const mode = params.get('mode') ?? '';
    const name = params.get('name') ?? '';
    switch (mode) {
      case 'version':
        return { version };
      case 'auth':
        return { auth: params.get('key') === apiKey || !params.get('key') ? 'apikey' : 'badkey' };
      case 'queue':
        return name ? queueOperation(name, params) : renderQueue(params);
      case 'history':
        if (name === 'delete') return historyOperation(params);
        return name ? { status: false, error: 'not implemented' } : renderHistory(params);
      case 'get_files':
        return renderFiles(params.get('value'));
      case 'server_stats':
        return renderServerStats();
      case 'pause':
        queuePaused = true;
        return { status: true };
      case 'resume':
        queuePaused = false;
        return { status: true };
      default:
        return { status: false, error: 'not implemented' };
    }
  }

  function refusal(params: URLSearchParams): string | null {
    const mode = params.get('mode') ?? '';
    if (mode === 'version' || mode === 'auth') return null;
    const key = params.get('apikey');
    if (!key) return 'API Key Required';
    return key === apiKey ? null : 'API Key Incorrect';
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    calls.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      params: Object.fromEntries(url.searchParams),
    });
    const next = canned.shift();
    if (next) {
      res.writeHead(next.status, { 'Content-Type': next.contentType }).end(next.body);
      return;
    }
    if (url.pathname !== `${urlBase}/api` && url.pathname !== `${urlBase}/api/`) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found');
      return;
    }
    const refused = refusal(url.searchParams);
    if (refused && authErrorStyle === 'http403') {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end(apiWarnings ? refused : '');
      return;
    }
    const body = refused ? { status: false, error: refused } : answer(url.searchParams);
    res.writeHead(200, JSON_HEADERS).end(JSON.stringify(body));
  }

  const server: Server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    /** Base URL as a user enters it (with the `urlBase` prefix, without `/api`). */
    url: `http://127.0.0.1:${port}${urlBase}`,
    port,
    version,
    get apiKey() {
      return apiKey;
    },
    /** Every request seen, oldest first. */
    calls,

    /** Adds a job at the end of the queue; returns its `nzo_id`. */
    addQueueSlot(input: SabFakeQueueSlotInput): string {
      const job: QueueJob = {
        nzoId: input.nzoId ?? newNzoId(),
        name: input.name,
        category: '*',
        status: 'Queued',
        priority: 'Normal',
        sizeBytes: GIB,
        remainingBytes: input.sizeBytes ?? GIB,
        missingBytes: 0,
        propagating: false,
        percentage: undefined,
        timeleft: undefined,
        timeAdded: now(),
        password: '',
      };
      applyQueueInput(job, input);
      queue.push(job);
      return job.nzoId;
    },
    updateQueueSlot({ nzoId, ...patch }: Partial<SabFakeQueueSlotInput> & { nzoId: string }): void {
      applyQueueInput(queueJob(nzoId), patch);
    },
    /** Adds a job straight to history (finished, failed, or post-processing); returns its `nzo_id`. */
    addHistorySlot(input: SabFakeHistorySlotInput): string {
      return addHistory(input);
    },
    updateHistorySlot({ nzoId, ...patch }: Partial<SabFakeHistorySlotInput> & { nzoId: string }): void {
      applyHistoryInput(historyJob(nzoId), patch);
      historyChanged();
    },
    /** A queue job finishes downloading: it leaves the queue for history in the given status. */
    moveToHistory({
      nzoId,
      ...rest
    }: Omit<SabFakeHistorySlotInput, 'name' | 'nzoId'> & {
      nzoId: string;
      status: SabFakeHistoryStatus;
    }): void {
      const job = queueJob(nzoId);
      removeFrom(queue, nzoId);
      addHistory({
        nzoId,
        name: job.name,
        category: job.category,
        bytes: job.sizeBytes,
        timeAdded: job.timeAdded,
        ...rest,
      });
    },
    /** Deletes a job from the queue or history. */
    remove(nzoId: string): boolean {
      const removed = removeFrom(queue, nzoId) || removeFrom(history, nzoId);
      if (removed) historyChanged();
      return removed;
    },
    /** Pauses or resumes the whole queue (SABnzbd's big pause button). */
    setQueuePaused(paused: boolean): void {
      queuePaused = paused;
    },
    /** The one download speed SABnzbd reports (`kbpersec`, `speed`), bytes per second. */
    setSpeed(speedBytesPerSecond: number): void {
      bytesPerSecond = speedBytesPerSecond;
    },
    setApiKey(key: string): void {
      apiKey = key;
    },
    /** Off: refusals come with an empty body, as with SABnzbd's `api_warnings = 0`. */
    setApiWarnings(on: boolean): void {
      apiWarnings = on;
    },
    /** `json200`: refuse keys the 3.x way, HTTP 200 `{"status": false, "error": …}`. */
    setAuthErrorStyle(style: 'http403' | 'json200'): void {
      authErrorStyle = style;
    },
    /** The next `times` requests get this answer instead (a 5xx, a proxy's HTML page, ...). */
    respondNext({
      status,
      body = '',
      contentType = 'text/plain; charset=utf-8',
      times = 1,
    }: {
      status: number;
      body?: string;
      contentType?: string;
      times?: number;
    }): void {
      for (let i = 0; i < times; i += 1) canned.push({ status, body, contentType });
    },
    /** Back to a fresh instance: no jobs, queue running, no speed, same key, no canned answers. */
    reset(): void {
      queue.length = 0;
      history.length = 0;
      canned.length = 0;
      calls.length = 0;
      queuePaused = false;
      bytesPerSecond = 0;
      apiWarnings = true;
      authErrorStyle = 'http403';
      historyChanged();
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

export type SabnzbdFake = Awaited<ReturnType<typeof startSabnzbdFake>>;

function removeFrom(jobs: { nzoId: string }[], nzoId: string): boolean {
  const index = jobs.findIndex((job) => job.nzoId === nzoId);
  if (index < 0) return false;
  jobs.splice(index, 1);
  return true;
}
