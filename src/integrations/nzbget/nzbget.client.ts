/**
 * NZBGet JSON-RPC (contracts.md §6.4, nzbgetcom/nzbget `docs/api/*.md`), checked against the real
 * nzbget 21.0 (Debian 12) downloading from a fake NNTP server; the 24.2+ `DownloadRateLo/Hi` pair is
 * read when present.
 *
 * Every call is `POST <base>/jsonrpc` with `{"method","params":[positional],"id"}`, HTTP Basic
 * auth and `Connection: close` (NZBGet 21's keep-alive breaks after a 401, see `headers`); a
 * reverse-proxy prefix in the base URL is kept. NZBGet
 * answers 401 (empty body) to wrong credentials, and HTTP 200 with
 * `{"version":"1.1","error":{"name","code","message"}}` to a bad call.
 *
 * `testConnection()` asks `version` and `status` together: NZBGet's add-only user (AddUsername)
 * may ask the version but gets the RPC error `Access denied` for everything else, which reads as
 * unauthorized.
 *
 * `listItems()` makes three requests whatever the number of downloads, in parallel: `listgroups [0]`
 * (the queue), `history [false]` (finished ones, hidden duplicates left out) and `status`. NZBGet
 * has no per-download speed and no per-download pause when the user pauses all downloading, so the
 * third call is what lets a queued download read as paused, like Radarr does, and gives the speed.
 *
 * Queue `Status` → state:
 *
 * | NZBGet                                                        | state       |
 * |---------------------------------------------------------------|-------------|
 * | `QUEUED`                                                      | queued      |
 * | `PAUSED`                                                      | paused      |
 * | `DOWNLOADING`                                                 | downloading |
 * | `FETCHING` (fetching the NZB from a URL)                      | metadata    |
 * | `PP_QUEUED`, `LOADING_PARS`, `VERIFYING_SOURCES`, `REPAIRING`, `VERIFYING_REPAIRED`, `RENAMING`, `UNPACKING`, `MOVING`, `POST_UNPACK_RENAMING`, `EXECUTING_SCRIPT`, `PP_FINISHED` (post-processing: par check/repair, unpack, move, scripts) | checking |
 * | anything else                                                 | downloading |
 *
 * A `QUEUED`/`DOWNLOADING` download reads as paused when all downloading is paused (`status`
 * `DownloadPaused`) or when every remaining file is paused. A queue entry already deleted by NZBGet
 * (`DeleteStatus` HEALTH, DUPE, …; it is post-processed on its way to the history) reads as failed at
 * once; one deleted by hand (MANUAL) is left out.
 *
 * History: derived from the sub-statuses as Radarr does (`Nzbget.cs`), never from `Status`, with the
 * failures taking precedence (Radarr lets a later warning override an earlier failure):
 *
 * | sub-status                                                 | state                          |
 * |------------------------------------------------------------|--------------------------------|
 * | `DeleteStatus` MANUAL                                      | left out (failed if `MarkStatus` BAD) |
 * | `DeleteStatus` HEALTH, DUPE, SCAN, COPY, BAD               | failed                         |
 * | `MarkStatus` BAD                                           | failed                         |
 * | `ParStatus` not SUCCESS/NONE                               | failed                         |
 * | `UnpackStatus` not SUCCESS/NONE, SPACE included (Radarr: a warning; but nothing was unpacked, so there is nothing to import until someone frees space and unpacks again) | failed |
 * | `ScriptStatus` not SUCCESS/NONE (as Radarr)                 | failed                         |
 * | `UrlStatus` FAILURE, SCAN_FAILURE, SCAN_SKIPPED (the NZB never arrived) | failed              |
 * | no par check nor unpack, and `Health` below `CriticalHealth` (HealthCheck=none lets such a download finish) | failed |
 * | `MoveStatus` not SUCCESS/NONE, any other `DeleteStatus`, `Health` below 100% unchecked, a `WARNING/…` `Status` | completed, with the reason in `error` |
 * | otherwise                                                  | completed                      |
 *
 * `error` is the reason in words plus NZBGet's raw `Status`, e.g. "Download failed: articles are
 * missing on the news server (health 50.0%, needs 100.0%) (FAILURE/HEALTH)".
 *
 * Units: sizes are `…Hi * 2^32 + …Lo` bytes (the `…MB` fields are whole megabytes); progress is
 * `1 - remaining/size` leaving out paused files (par2 files NZBGet holds in reserve are not part of
 * the download unless needed); speed is the global `DownloadRate` shared among the downloading
 * entries by their `ActiveDownloads`; ETA is remaining / speed, null when nothing moves. A failed
 * history entry's progress is its share of articles fetched. NZBGet 21 reports no time a download was
 * added (`addedAt` null); `completedAt` is `HistoryTime` of completed entries. `clientId` is the
 * NZBID; `arrId` the `drone` parameter Radarr/Sonarr add on `append`, else the NZBID.
 */
import type { z } from 'zod';
import {
  clampProgress,
  type Downloader,
  type DownloaderConnection,
  type DownloadItem,
  isoFromEpochSeconds,
} from '../downloader/downloader.js';
import { IntegrationError } from '../shared/integration-error.js';
import { createServiceHttp, type HttpAnswer, parseJsonAnswer } from '../shared/service-http.js';
import {
  type NzbgetGroup,
  type NzbgetHistoryEntry,
  type NzbgetStatus,
  nzbgetEnvelopeSchema,
  nzbgetGroupSchema,
  nzbgetHistorySchema,
  nzbgetStatusSchema,
  nzbgetVersionSchema,
} from './nzbget.schemas.js';

type State = DownloadItem['state'];

const QUEUE_STATES: Record<string, State> = {
  QUEUED: 'queued',
  PAUSED: 'paused',
  DOWNLOADING: 'downloading',
  FETCHING: 'metadata',
  PP_QUEUED: 'checking',
  LOADING_PARS: 'checking',
  VERIFYING_SOURCES: 'checking',
  REPAIRING: 'checking',
  VERIFYING_REPAIRED: 'checking',
  RENAMING: 'checking',
  UNPACKING: 'checking',
  MOVING: 'checking',
  POST_UNPACK_RENAMING: 'checking',
  EXECUTING_SCRIPT: 'checking',
  PP_FINISHED: 'checking',
};

/** What a queue `Status` means; one NZBGet adds later counts as downloading. */
export function nzbgetQueueStatusToState(status: string): State {
  return QUEUE_STATES[status] ?? 'downloading';
}

/** An unsigned 64-bit value from NZBGet's two 32-bit halves. */
export function int64(lo: number | undefined, hi: number | undefined): number {
  return (hi ?? 0) * 2 ** 32 + (lo ?? 0);
}

/** The `drone` parameter Radarr/Sonarr set on `append`, else the NZBID (contracts.md §1.9). */
export function nzbgetArrId(entry: { NZBID: number; Parameters?: Array<{ Name: string; Value: unknown }> }) {
  const drone = entry.Parameters?.find((parameter) => parameter.Name === 'drone')?.Value;
  return typeof drone === 'string' && drone !== '' ? drone : String(entry.NZBID);
}

type Entry = Pick<
  NzbgetHistoryEntry,
  | 'DeleteStatus'
  | 'MarkStatus'
  | 'ParStatus'
  | 'UnpackStatus'
  | 'ScriptStatus'
  | 'UrlStatus'
  | 'MoveStatus'
  | 'Health'
  | 'CriticalHealth'
>;

/** What the sub-statuses say: left out, failed or completed, and why in words. */
export interface NzbgetVerdict {
  state: 'skip' | 'failed' | 'completed';
  reason: string | null;
}

const DELETE_FAILURES: Record<string, string> = {
  HEALTH: 'Download failed: articles are missing on the news server',
  DUPE: 'NZBGet deleted it as a duplicate of another download',
  COPY: 'NZBGet skipped it: the same NZB is already in its queue or history',
  SCAN: 'NZBGet could not read the NZB file',
  BAD: 'Marked as bad in NZBGet',
};
const PAR_FAILURES: Record<string, string> = {
  FAILURE: 'Repair failed: the download is damaged and its par2 files could not repair it',
  REPAIR_POSSIBLE: 'The download is damaged; a par2 repair is possible but was not run',
  MANUAL: 'The download is damaged and waits for a manual par2 check and repair',
};
const UNPACK_FAILURES: Record<string, string> = {
  FAILURE: 'Unpacking failed',
  SPACE: 'Unpacking failed: not enough free disk space',
  PASSWORD: 'Unpacking failed: the archive needs a password',
};
const URL_FAILURES: Record<string, string> = {
  FAILURE: 'NZBGet could not fetch the NZB from its URL',
  SCAN_FAILURE: 'NZBGet could not read the NZB fetched from its URL',
  SCAN_SKIPPED: 'The file fetched from the URL is not an NZB',
};
/** `SKIPPED` is what NZBGet before v15 reported for a check it did not need. */
const FINE = new Set(['', 'NONE', 'SUCCESS', 'SKIPPED']);
const UNCHECKED = new Set(['', 'NONE', 'SKIPPED']);

function percent(permille: number | undefined): string {
  return `${((permille ?? 0) / 10).toFixed(1)}%`;
}

function healthText(entry: Entry): string {
  return `health ${percent(entry.Health)}, needs ${percent(entry.CriticalHealth ?? 1000)}`;
}

/**
 * The history rules of the table above, on an entry's sub-statuses. `status` is NZBGet's raw
 * combined `Status`, used only for words (a `WARNING/…` nothing else explains).
 */
export function nzbgetVerdict(entry: Entry, status = ''): NzbgetVerdict {
  const del = entry.DeleteStatus ?? 'NONE';
  const failed = (reason: string): NzbgetVerdict => ({ state: 'failed', reason });
  if (del === 'MANUAL') {
    return entry.MarkStatus === 'BAD'
      ? failed('Deleted and marked as bad in NZBGet')
      : { state: 'skip', reason: null };
  }
  if (del === 'HEALTH') return failed(`${DELETE_FAILURES.HEALTH} (${healthText(entry)})`);
  const deleteFailure = DELETE_FAILURES[del];
  if (deleteFailure) return failed(deleteFailure);
  if (entry.MarkStatus === 'BAD') return failed('Marked as bad in NZBGet');
  const par = entry.ParStatus ?? 'NONE';
  if (!FINE.has(par)) return failed(PAR_FAILURES[par] ?? `Par check failed (${par})`);
  const unpack = entry.UnpackStatus ?? 'NONE';
  if (!FINE.has(unpack)) return failed(UNPACK_FAILURES[unpack] ?? `Unpacking failed (${unpack})`);
  const script = entry.ScriptStatus ?? 'NONE';
  if (!FINE.has(script)) return failed(`A post-processing script failed (${script})`);
  const url = URL_FAILURES[entry.UrlStatus ?? 'NONE'];
  if (url) return failed(url);

  // Without par2 files to check against, health is all NZBGet knows (HealthCheck=none lets it finish).
  const unchecked = UNCHECKED.has(par) && UNCHECKED.has(unpack);
  const health = entry.Health ?? 1000;
  if (unchecked && health < (entry.CriticalHealth ?? 1000)) {
    return failed(`${DELETE_FAILURES.HEALTH} (${healthText(entry)})`);
  }

  const completed = (reason: string | null): NzbgetVerdict => ({ state: 'completed', reason });
  const move = entry.MoveStatus ?? 'NONE';
  if (!FINE.has(move)) return completed('Downloaded, but NZBGet could not move the files to their folder');
  if (!FINE.has(del)) return completed(`Downloaded; NZBGet marks it deleted (${del})`);
  if (unchecked && health < 1000) {
    return completed(`Downloaded with articles missing (${healthText(entry)}); the files may be damaged`);
  }
  return completed(status.startsWith('WARNING/') ? 'NZBGet reports a warning' : null);
}

/** The folder a path sits in, for POSIX and Windows paths alike. */
function parentDir(path: string): string | null {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (cut < 0) return null;
  return cut === 0 ? trimmed.slice(0, 1) : trimmed.slice(0, cut);
}

function paths(entry: { DestDir?: string | undefined; FinalDir?: string | undefined }) {
  const content = entry.FinalDir || entry.DestDir || null;
  return { contentPath: content, savePath: content ? parentDir(content) : null };
}

/** Global facts every queue entry needs. */
export interface NzbgetQueueContext {
  /** All downloading paused by the user (`status.DownloadPaused`). */
  downloadPaused: boolean;
  /** Bytes per second of this entry (its share of the global rate). */
  speed: number;
}

/**
 * The history `Status` a queue entry NZBGet already deleted will get (`NZBInfo::MakeTextStatus`),
 * so its `error` reads the same before and after the move to the history.
 */
function historyStatusOf(group: NzbgetGroup): string {
  if (group.MarkStatus === 'BAD') return 'FAILURE/BAD';
  const del = group.DeleteStatus ?? 'NONE';
  return (
    {
      HEALTH: 'FAILURE/HEALTH',
      DUPE: 'DELETED/DUPE',
      COPY: 'DELETED/COPY',
      SCAN: 'FAILURE/SCAN',
      BAD: 'FAILURE/BAD',
    }[del] ?? `${group.Status}, DeleteStatus ${del}`
  );
}

export function nzbgetGroupToItem(group: NzbgetGroup, context: NzbgetQueueContext): DownloadItem | null {
  // Only a deletion (or a bad mark) settles a queue entry early; the rest is known in the history.
  const settled = (group.DeleteStatus ?? 'NONE') !== 'NONE' || group.MarkStatus === 'BAD';
  const verdict: NzbgetVerdict = settled ? nzbgetVerdict(group) : { state: 'completed', reason: null };
  if (verdict.state === 'skip') return null;
  const size = int64(group.FileSizeLo, group.FileSizeHi);
  const remaining = Math.min(size, int64(group.RemainingSizeLo, group.RemainingSizeHi));
  const paused = int64(group.PausedSizeLo, group.PausedSizeHi);
  const allPaused = remaining > 0 && paused >= remaining;
  // Paused files (par2 in reserve) are not part of what is being downloaded, unless all of it is paused.
  const reserve = allPaused ? 0 : Math.min(paused, remaining);
  const remainingBytes = remaining - reserve;
  const wanted = size - reserve;

  let state = nzbgetQueueStatusToState(group.Status);
  if ((state === 'queued' || state === 'downloading') && (context.downloadPaused || allPaused)) {
    state = 'paused';
  }
  const failed = verdict.state === 'failed';
  if (failed) state = 'failed';
  const speed = state === 'downloading' ? context.speed : 0;
  return {
    clientId: String(group.NZBID),
    arrId: nzbgetArrId(group),
    name: group.NZBName,
    category: group.Category ? group.Category : null,
    state,
    // A download deleted for its health counts the missing articles as done: its share of articles
    // fetched says how far it really got.
    progress: failed ? articleShare(group) : clampProgress(wanted > 0 ? 1 - remainingBytes / wanted : 0),
    sizeBytes: size,
    remainingBytes,
    downloadSpeed: speed,
    uploadSpeed: 0,
    etaSeconds: speed > 0 && remainingBytes > 0 ? Math.ceil(remainingBytes / speed) : null,
    error: failed ? `${verdict.reason} (${historyStatusOf(group)})` : null,
    ...paths(group),
    addedAt: null,
    completedAt: null,
  };
}

/** Articles fetched out of all, 0..1; 0 when NZBGet does not say. */
function articleShare(entry: {
  TotalArticles?: number | undefined;
  SuccessArticles?: number | undefined;
}): number {
  const total = entry.TotalArticles ?? 0;
  return total > 0 ? clampProgress((entry.SuccessArticles ?? 0) / total) : 0;
}

export function nzbgetHistoryToItem(entry: NzbgetHistoryEntry): DownloadItem | null {
  const verdict = nzbgetVerdict(entry, entry.Status);
  if (verdict.state === 'skip') return null;
  const size = int64(entry.FileSizeLo, entry.FileSizeHi);
  const completed = verdict.state === 'completed';
  const fetched = completed ? 1 : articleShare(entry);
  return {
    clientId: String(entry.NZBID),
    arrId: nzbgetArrId(entry),
    name: entry.Name,
    category: entry.Category ? entry.Category : null,
    state: verdict.state,
    progress: fetched,
    sizeBytes: size,
    remainingBytes: completed ? 0 : Math.round(size * (1 - fetched)),
    downloadSpeed: 0,
    uploadSpeed: 0,
    etaSeconds: null,
    error: verdict.reason === null ? null : `${verdict.reason} (${entry.Status})`,
    ...paths(entry),
    addedAt: null,
    completedAt: completed ? isoFromEpochSeconds(entry.HistoryTime) : null,
  };
}

/** Bytes per second now: the 24.2+ Lo/Hi pair when sent, else `DownloadRate`. */
function downloadRate(status: NzbgetStatus): number {
  if (status.DownloadRateLo !== undefined) return int64(status.DownloadRateLo, status.DownloadRateHi);
  return Math.max(0, status.DownloadRate ?? 0);
}

/** Queue and history as items; an entry in both (it just moved) counts once, as its history entry. */
export function nzbgetItems(input: {
  groups: NzbgetGroup[];
  history: NzbgetHistoryEntry[];
  status: NzbgetStatus;
}): DownloadItem[] {
  const downloadPaused = input.status.DownloadPaused === true;
  const rate = downloadPaused ? 0 : downloadRate(input.status);
  const downloading = input.groups.filter(
    (group) => nzbgetQueueStatusToState(group.Status) === 'downloading',
  );
  const active = downloading.reduce((sum, group) => sum + Math.max(0, group.ActiveDownloads ?? 0), 0);
  const share = (group: NzbgetGroup) =>
    active > 0 ? Math.max(0, group.ActiveDownloads ?? 0) / active : 1 / downloading.length;

  const finished = new Set(input.history.map((entry) => entry.NZBID));
  const items: DownloadItem[] = [];
  for (const group of input.groups) {
    if (finished.has(group.NZBID)) continue;
    const item = nzbgetGroupToItem(group, { downloadPaused, speed: rate * share(group) });
    if (item) items.push(item);
  }
  for (const entry of input.history) {
    const item = nzbgetHistoryToItem(entry);
    if (item) items.push(item);
  }
  return items;
}

export function createNzbgetDownloader(connection: DownloaderConnection): Downloader {
  const http = createServiceHttp({ baseUrl: connection.url, resilience: connection.resilience });
  const username = connection.username ?? '';
  const password = connection.password ?? '';
  // NZBGet 21 keeps a connection alive only when asked to, as fetch does, and its keep-alive breaks
  // around a 401: the request after it on the same socket gets a truncated answer and a closed
  // socket (seen on the real daemon). One connection per call avoids that; NZBGet closes it anyway
  // for clients that do not ask (curl, Radarr).
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Connection: 'close' };
  if (username !== '' || password !== '') {
    headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  let nextId = 1;

  function read<T>(method: string, schema: z.ZodType<T>) {
    return (answer: HttpAnswer): T => {
      if (answer.status === 401 || answer.status === 403) {
        throw new IntegrationError(
          'unauthorized',
          `NZBGet refused the username or password (HTTP ${answer.status})`,
          { status: answer.status },
        );
      }
      if (answer.status !== 200) {
        throw new IntegrationError(
          'bad_response',
          `NZBGet answered HTTP ${answer.status} to ${method}; is the URL that of NZBGet's web interface?`,
          { status: answer.status },
        );
      }
      const envelope = nzbgetEnvelopeSchema.safeParse(parseJsonAnswer(answer, `NZBGet ${method}`));
      if (!envelope.success) {
        throw new IntegrationError('bad_response', `not a JSON-RPC answer to ${method}`, { status: 200 });
      }
      const { error, result } = envelope.data;
      if (error) {
        const text = error.message ?? error.name ?? JSON.stringify(error);
        if (text === 'Access denied') {
          // NZBGet's third credential pair (AddUsername) may only add NZBs and ask the version.
          throw new IntegrationError(
            'unauthorized',
            `NZBGet denied ${method} to this user: it may only add downloads (AddUsername); use the control or restricted user`,
            { status: 200 },
          );
        }
        throw new IntegrationError('bad_response', `NZBGet ${method}: ${text}`, { status: 200 });
      }
      const parsed = schema.safeParse(result);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new IntegrationError(
          'bad_response',
          `unexpected NZBGet ${method} answer${issue ? ` at ${issue.path.join('.')}: ${issue.message}` : ''}`,
          { status: 200 },
        );
      }
      return parsed.data;
    };
  }

  function rpc<T>(method: string, params: unknown[], schema: z.ZodType<T>): Promise<T> {
    const body = JSON.stringify({ method, params, id: nextId++ });
    return http.call('jsonrpc', { method: 'POST', headers, body }, read(method, schema));
  }

  return {
    kind: 'nzbget',
    status: http.status,

    async testConnection() {
      // `version` answers any of NZBGet's users; `status` proves this one may also read the queue.
      const [version] = await Promise.all([
        rpc('version', [], nzbgetVersionSchema),
        rpc('status', [], nzbgetStatusSchema),
      ]);
      return { version };
    },

    async listItems() {
      const [groups, history, status] = await Promise.all([
        rpc('listgroups', [0], nzbgetGroupSchema.array()),
        rpc('history', [false], nzbgetHistorySchema.array()),
        rpc('status', [], nzbgetStatusSchema),
      ]);
      return nzbgetItems({ groups, history, status });
    },
  };
}
