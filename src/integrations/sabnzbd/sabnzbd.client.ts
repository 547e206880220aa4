/**
 * SABnzbd as a Downloader, over its HTTP API: `GET <base>/api?mode=…&output=json&apikey=KEY`
 * (contracts.md §6.3).
 *
 * Checked against: the Tavern API specs of sabnzbd/sabnzbd develop `5f933ddc` (shared/contracts/sabnzbd,
 * strict key sets of `mode=queue`, `mode=history`, `mode=version`) and `sabnzbd/api.py`,
 * `interface.py`/`security.py`, `constants.py` of the 3.x (CherryPy) and 4.x/5.x releases. No real
 * SABnzbd ran for this client: it is not a Debian package in this setup, so there is no
 * `describeWithBinaries` test (`*.int.test.ts`). The contract fake (sabnzbd.fake.ts) is the reference,
 * and sabnzbd.fake.test.ts holds that fake to SABnzbd's own Tavern specs key for key.
 *
 * Requests per `listItems()`: always two, `mode=queue` and `mode=history`.
 * - Queue: `start=0&limit=1000`. SABnzbd reads `limit=0` as "everything", but an explicit bound keeps
 *   one answer from growing without end; a queue of more than 1000 jobs is not a home setup, and jobs
 *   past the first 1000 are queued ones that have not started.
 * - History: `start=0&limit=100`, newest first (jobs still post-processing come on top). Without a
 *   limit SABnzbd applies its `history_limit` setting (small, for its web UI). The tracker polls every
 *   few seconds to minutes, so it sees a job land in history long before 100 newer jobs push it out;
 *   a job older than that is finished and no longer followed.
 * No category filter: the tracker follows Radarr's and Sonarr's categories alike.
 *
 * State mapping (SABnzbd `class Status`, and how `api.py build_queue` shows it):
 *
 * | where   | SABnzbd status                                   | state         | why |
 * |---------|--------------------------------------------------|---------------|-----|
 * | queue   | `Queued`, `Idle`                                 | `queued`      | waiting its turn |
 * | queue   | `Propagating`                                    | `queued`      | held back by the propagation delay; nothing downloads yet |
 * | queue   | `Downloading`                                    | `downloading` | SABnzbd shows every waiting job of a running queue as `Downloading` |
 * | queue   | `Fetching`                                       | `downloading` | fetching extra par2 blocks for repair: still downloading |
 * | queue   | `Grabbing`                                       | `metadata`    | fetching the NZB itself from a URL: size not known yet |
 * | queue   | `Checking`                                       | `checking`    | pre-check of article availability |
 * | queue   | `Paused`                                         | `paused`      | |
 * | queue   | anything queued/downloading while `queue.paused` | `paused`      | unless the job's priority is `Force`, which downloads anyway |
 * | queue   | unknown                                          | `queued`      | |
 * | history | `Completed`                                      | `completed`   | |
 * | history | `Failed`                                         | `failed`      | `fail_message` is the error; Radarr only warns on `Unpacking failed, write error or disk is full?`, we keep it failed with the text |
 * | history | `QuickCheck`, `Verifying`, `Repairing`, `Extracting`, `Moving`, `Running`, `Queued`, unknown | `checking` | post-processing: downloaded, not finished |
 *
 * Units: `mb`/`mbleft` are MiB as text → bytes; history `bytes` is already bytes. `percentage` is whole
 * percent → 0..1 (history jobs are past downloading: 1). `timeleft` `H:MM:SS` or `D:HH:MM:SS` → seconds,
 * `0:00:00` (what SABnzbd shows whenever the job is not downloading) → null. SABnzbd has one speed for
 * the whole client (`queue.kbpersec`, KiB/s): it goes to the job(s) in state `downloading`, split evenly
 * (SABnzbd works through the queue mostly in order, so an even split is only a best guess when more
 * than one job shows as downloading). Category: queue `cat`, history `category`; `"None"`, `""` and
 * `"*"` (SABnzbd's Default category) → null. `nzo_id` is both clientId and arrId, verbatim (§1.9).
 * Paths: `storage` (the final folder) → contentPath and its parent → savePath; before `storage` is
 * known, `path` (the job's incomplete folder) → savePath.
 *
 * Auth: 4.x answers a missing or wrong key with HTTP 403 and `API Key Required` / `API Key Incorrect`
 * (an empty body when `api_warnings` is off); 3.x answered HTTP 200 `{"status": false, "error": "API Key
 * Incorrect"}`. Both are `unauthorized`. `mode=version` needs no key at all, so `testConnection()` also
 * asks for one queue slot.
 */
import type { z } from 'zod';
import type { ClientDownloadState } from '../../domain/observations.js';
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
  type SabHistorySlot,
  type SabQueue,
  type SabQueueSlot,
  sabErrorSchema,
  sabHistorySchema,
  sabQueueSchema,
  sabVersionSchema,
} from './sabnzbd.schemas.js';

/** Queue jobs asked for per poll (see the header). */
export const SABNZBD_QUEUE_LIMIT = 1000;
/** Most recent history jobs asked for per poll (see the header). */
export const SABNZBD_HISTORY_LIMIT = 100;

const MIB = 1024 * 1024;

const QUEUE_STATES: Record<string, ClientDownloadState> = {
  Queued: 'queued',
  Idle: 'queued',
  Propagating: 'queued',
  Downloading: 'downloading',
  Fetching: 'downloading',
  Grabbing: 'metadata',
  Checking: 'checking',
  Paused: 'paused',
};

/** A queue job's state; see the table in the header. */
export function sabQueueSlotState({
  status,
  priority,
  queuePaused,
}: {
  status: string;
  priority?: string | number | null | undefined;
  queuePaused: boolean;
}): ClientDownloadState {
  const state = QUEUE_STATES[status] ?? 'queued';
  if (queuePaused && priority !== 'Force' && (state === 'queued' || state === 'downloading')) return 'paused';
  return state;
}

/** A history job's state: finished, failed, or still post-processing. */
export function sabHistorySlotState(status: string): ClientDownloadState {
  if (status === 'Completed') return 'completed';
  if (status === 'Failed') return 'failed';
  return 'checking';
}

/** `H:MM:SS` or `D:HH:MM:SS` to seconds; `0:00:00` and anything unreadable → null. */
export function parseSabTimeLeft(text: string | null | undefined): number | null {
  if (!text) return null;
  const parts = text.trim().split(':');
  if (parts.length < 3 || parts.length > 4 || !parts.every((part) => /^\d+$/.test(part))) return null;
  const [seconds = 0, minutes = 0, hours = 0, days = 0] = parts.map(Number).reverse();
  const total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
  return total > 0 ? total : null;
}

function categoryOf(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === 'None' || trimmed === '*' ? null : trimmed;
}

function bytesFromMib(mib: number): number {
  return Math.max(0, Math.round(mib * MIB));
}

/** The folder holding a path, for POSIX and Windows paths alike; null for a bare name. */
function parentFolder(path: string): string | null {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  if (cut < 0) return null;
  return cut === 0 ? trimmed.slice(0, 1) : trimmed.slice(0, cut);
}

function queueItems(queue: SabQueue): DownloadItem[] {
  const queuePaused = queue.paused === true;
  const states = queue.slots.map((slot) =>
    sabQueueSlotState({ status: slot.status, priority: slot.priority, queuePaused }),
  );
  const downloading = states.filter((state) => state === 'downloading').length;
  const speed = downloading > 0 ? ((queue.kbpersec ?? 0) * 1024) / downloading : 0;
  return queue.slots.map((slot, index) => {
    const state = states[index] ?? 'queued';
    return queueItem(slot, state, state === 'downloading' ? speed : 0);
  });
}

function queueItem(slot: SabQueueSlot, state: ClientDownloadState, downloadSpeed: number): DownloadItem {
  const sizeBytes = bytesFromMib(slot.mb);
  const remainingBytes = Math.min(sizeBytes, bytesFromMib(slot.mbleft));
  const percentage =
    slot.percentage ?? (sizeBytes > 0 ? ((sizeBytes - remainingBytes) / sizeBytes) * 100 : 0);
  return {
    clientId: slot.nzo_id,
    arrId: slot.nzo_id,
    name: slot.filename,
    category: categoryOf(slot.cat),
    state,
    progress: clampProgress(percentage / 100),
    sizeBytes,
    remainingBytes,
    downloadSpeed: Math.max(0, downloadSpeed),
    uploadSpeed: 0,
    etaSeconds: parseSabTimeLeft(slot.timeleft),
    error: null,
    savePath: null,
    contentPath: null,
    addedAt: isoFromEpochSeconds(slot.time_added),
    completedAt: null,
  };
}

function historyItem(slot: SabHistorySlot): DownloadItem {
  const state = sabHistorySlotState(slot.status);
  const finished = state === 'completed' || state === 'failed';
  const storage = slot.storage?.trim() ? slot.storage : null;
  const path = slot.path?.trim() ? slot.path : null;
  return {
    clientId: slot.nzo_id,
    arrId: slot.nzo_id,
    name: slot.name,
    category: categoryOf(slot.category),
    state,
    progress: 1,
    sizeBytes: Math.max(0, Math.round(slot.bytes ?? 0)),
    remainingBytes: 0,
    downloadSpeed: 0,
    uploadSpeed: 0,
    etaSeconds: null,
    error: slot.fail_message?.trim() ? slot.fail_message : null,
    savePath: storage ? parentFolder(storage) : path,
    contentPath: storage,
    addedAt: isoFromEpochSeconds(slot.time_added),
    completedAt: finished ? isoFromEpochSeconds(slot.completed) : null,
  };
}

export function createSabnzbdDownloader(connection: DownloaderConnection): Downloader {
  const http = createServiceHttp({ baseUrl: connection.url, resilience: connection.resilience });
  const apiKey = connection.apiKey ?? '';

  /** One API call; `read` parses the JSON once the answer is known not to be a refusal. */
  function api<T>(params: Record<string, string | number>, read: (json: unknown) => T): Promise<T> {
    const query = new URLSearchParams({ output: 'json', apikey: apiKey });
    for (const [key, value] of Object.entries(params)) query.set(key, String(value));
    const what = `SABnzbd mode=${params.mode}`;
    return http.call(`api?${query}`, { headers: { Accept: 'application/json' } }, (answer: HttpAnswer) => {
      if (answer.status === 401 || answer.status === 403) {
        const reason = answer.text.trim();
        throw new IntegrationError(
          'unauthorized',
          `SABnzbd refused the API key (HTTP ${answer.status}${reason ? `: ${reason.slice(0, 120)}` : ''})`,
          { status: answer.status },
        );
      }
      if (answer.status !== 200) {
        throw new IntegrationError('bad_response', `${what}: HTTP ${answer.status}`, {
          status: answer.status,
        });
      }
      const json = parseJsonAnswer(answer, what);
      const refusal = sabErrorSchema.safeParse(json);
      if (refusal.success) {
        const kind = /api key|access denied|authentication/i.test(refusal.data.error)
          ? 'unauthorized'
          : 'bad_response';
        throw new IntegrationError(kind, `${what}: ${refusal.data.error}`, { status: answer.status });
      }
      return read(json);
    });
  }

  function parsed<T>(schema: z.ZodType<T>, what: string): (json: unknown) => T {
    return (json) => {
      const result = schema.safeParse(json);
      if (!result.success) throw new IntegrationError('bad_response', `not a SABnzbd ${what} answer`);
      return result.data;
    };
  }

  return {
    kind: 'sabnzbd',
    status: http.status,

    async testConnection() {
      const { version } = await api({ mode: 'version' }, parsed(sabVersionSchema, 'version'));
      await api({ mode: 'queue', start: 0, limit: 1 }, parsed(sabQueueSchema, 'queue'));
      return { version };
    },

    async listItems() {
      const [{ queue }, { history }] = await Promise.all([
        api({ mode: 'queue', start: 0, limit: SABNZBD_QUEUE_LIMIT }, parsed(sabQueueSchema, 'queue')),
        api({ mode: 'history', start: 0, limit: SABNZBD_HISTORY_LIMIT }, parsed(sabHistorySchema, 'history')),
      ]);
      // A job moving to post-processing can show in both answers for a moment; history is the later stage.
      const finished = history.slots.map(historyItem);
      const inHistory = new Set(finished.map((item) => item.clientId));
      return [...queueItems(queue).filter((item) => !inHistory.has(item.clientId)), ...finished];
    },
  };
}
