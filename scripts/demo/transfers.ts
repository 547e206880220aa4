/**
 * Downloads in the qBittorrent fake that move by themselves: once per demo second each active
 * torrent gains what its speed allows (the speed wanders ±25 % around its mean, the ETA follows from
 * it), and the *arr's queue records of the download are kept in step, as Radarr/Sonarr mirror their
 * client. A story drives a transfer with `run`, `stall`, `fail` and `remove`; a finished torrent seeds
 * for a while and is then removed, as the *arrs do once the seeding goal is met.
 */

import type { QbittorrentFake } from '../../src/integrations/qbittorrent/qbittorrent.fake.js';
import type { ArrFakeQueueRecord } from '../../src/integrations/shared/arr-api.fake.js';
import type { Pacer } from './pacer.js';

/** qBittorrent's "infinite" ETA. */
const ETA_INFINITY = 8_640_000;
const SEEDING_SECONDS = 40;

/** The *arr's queue records of one download. */
export interface ArrQueue {
  update(patch: Partial<Omit<ArrFakeQueueRecord, 'id'>>): void;
  /** False once the *arr dropped the download (imported, failed, or removed through its API). */
  present(): boolean;
}

/** The download was removed through the *arr's API (someone pressed "Remove, blocklist and search again"). */
export class RemovedByArr extends Error {
  override name = 'RemovedByArr';
}

export interface TransferInput {
  /** Torrent hash; qBittorrent shows it lower-case, the *arrs upper-case. */
  hash: string;
  /** Release name (the torrent's name). */
  name: string;
  sizeBytes: number;
  /** qBittorrent category the *arr set. */
  category: string;
  /** Mean download speed, bytes per demo second. */
  bytesPerSecond: number;
  queue: ArrQueue;
  /** Already downloaded (1 for a torrent that completes at once). Default 0. */
  progress?: number;
}

export interface Transfer {
  /** Downloads up to `until` (default all) and resolves then; rejects with RemovedByArr. */
  run(until?: number): Promise<void>;
  /** Races `waiting` against the download being removed through the *arr's API. */
  during<T>(waiting: Promise<T>): Promise<T>;
  /** No seeds and no bytes: qBittorrent's `stalledDL`. `run` resumes. */
  stall(): void;
  /** qBittorrent's `error` state; the *arr marks the download failed. */
  fail(): void;
  /** Removed from the client. */
  remove(): void;
}

type Mode = 'metadata' | 'downloading' | 'holding' | 'stalled' | 'failed' | 'seeding' | 'gone';

export interface Transfers {
  start(input: TransferInput): Transfer;
  /** Resolves when the ticking ends (the pacer stopped). */
  ticking: Promise<void>;
}

export function createTransfers({ qb, pacer }: { qb: QbittorrentFake; pacer: Pacer }): Transfers {
  const active = new Set<() => void>();
  const ticking = pacer.eachSecond(() => {
    for (const tick of [...active]) tick();
  });
  /** Stories waiting in `run`: once the demo stops nothing ticks, so they are let go with the abort. */
  const running = new Set<(error: unknown) => void>();
  pacer.signal.addEventListener('abort', () => {
    for (const reject of running) reject(pacer.signal.reason);
    running.clear();
  });

  function start(input: TransferInput): Transfer {
    const hash = input.hash.toLowerCase();
    const size = input.sizeBytes;
    let progress = input.progress ?? 0;
    let mode: Mode = progress >= 1 ? 'seeding' : 'metadata';
    let target = 1;
    let seededFor = 0;
    let speed = 0;
    let waiter: { resolve(): void; reject(error: unknown): void } | null = null;
    let removedByArr: ((error: Error) => void) | null = null;
    const removal = new Promise<never>((_, reject) => {
      removedByArr = reject;
    });
    // Only someone racing against it listens; an unobserved rejection must not end the process.
    removal.catch(() => undefined);

    qb.addTorrent({
      hash,
      name: input.name,
      sizeBytes: size,
      category: input.category,
      save_path: '/data/downloads/complete',
      progress,
      state: mode === 'seeding' ? 'stalledUP' : 'metaDL',
      num_complete: 40,
      num_incomplete: 12,
    });
    if (mode === 'seeding') input.queue.update(completedInArr());

    function completedInArr(): Partial<ArrFakeQueueRecord> {
      return {
        status: 'completed',
        trackedDownloadStatus: 'ok',
        trackedDownloadState: 'importPending',
        statusMessages: [],
        sizeleft: 0,
        timeleft: 0,
        estimatedCompletionTime: new Date().toISOString(),
      };
    }

    function settle(): void {
      if (waiter && progress >= target) {
        waiter.resolve();
        waiter = null;
      }
    }

    function tick(): void {
      if (mode === 'gone') return;
      if (mode !== 'seeding' && mode !== 'failed' && !input.queue.present()) {
        // Radarr/Sonarr removed it from the client too (removeFromClient is their default).
        qb.removeTorrent(hash);
        mode = 'gone';
        active.delete(tick);
        const error = new RemovedByArr(`${input.name} was removed through the *arr`);
        waiter?.reject(error);
        waiter = null;
        removedByArr?.(error);
        return;
      }
      if (mode === 'metadata') {
        mode = 'downloading';
        return;
      }
      if (mode === 'seeding') {
        seededFor += 1;
        qb.updateTorrent(hash, {
          upspeed: Math.round(pacer.between(0.2, 2.5) * 1_000_000),
          num_leechs: Math.round(pacer.between(1, 9)),
        });
        if (seededFor >= SEEDING_SECONDS) remove();
        return;
      }
      if (mode !== 'downloading') return;
      speed = Math.round(input.bytesPerSecond * pacer.between(0.75, 1.25));
      progress = Math.min(target, progress + speed / size);
      if (progress >= 1) {
        mode = 'seeding';
        qb.updateTorrent(hash, { progress: 1, state: 'uploading', dlspeed: 0, eta: ETA_INFINITY });
        input.queue.update(completedInArr());
      } else {
        const left = size * (1 - progress);
        const eta = Math.ceil(left / speed);
        qb.updateTorrent(hash, {
          progress,
          state: 'downloading',
          dlspeed: speed,
          eta,
          num_seeds: Math.round(pacer.between(8, 40)),
          num_leechs: Math.round(pacer.between(2, 15)),
          last_activity: Math.floor(Date.now() / 1000),
        });
        input.queue.update({
          status: 'downloading',
          trackedDownloadStatus: 'ok',
          trackedDownloadState: 'downloading',
          statusMessages: [],
          sizeleft: Math.round(left),
          timeleft: eta,
          estimatedCompletionTime: new Date(Date.now() + (eta * 1000) / pacer.speed).toISOString(),
        });
        if (progress >= target) mode = 'holding';
      }
      settle();
    }

    function remove(): void {
      if (mode === 'gone') return;
      mode = 'gone';
      active.delete(tick);
      qb.removeTorrent(hash);
    }

    active.add(tick);
    return {
      run(until = 1) {
        if (mode === 'gone') return Promise.reject(new RemovedByArr(`${input.name} is gone`));
        target = until;
        if (progress >= until) return Promise.resolve();
        if (mode === 'holding' || mode === 'stalled') mode = 'downloading';
        if (pacer.signal.aborted) return Promise.reject(pacer.signal.reason);
        return new Promise<void>((resolve, reject) => {
          running.add(reject);
          const settle = () => running.delete(reject);
          waiter = {
            resolve: () => {
              settle();
              resolve();
            },
            reject: (error) => {
              settle();
              reject(error);
            },
          };
        });
      },
      during: (waiting) => Promise.race([waiting, removal]),
      stall() {
        if (mode === 'gone' || mode === 'seeding') return;
        mode = 'stalled';
        qb.updateTorrent(hash, { state: 'stalledDL', dlspeed: 0, eta: ETA_INFINITY, num_seeds: 0 });
        input.queue.update({
          status: 'warning',
          trackedDownloadStatus: 'warning',
          statusMessages: [{ title: input.name, messages: ['The download is stalled with no connections'] }],
          timeleft: null,
          estimatedCompletionTime: null,
        });
      },
      fail() {
        if (mode === 'gone') return;
        mode = 'failed';
        qb.updateTorrent(hash, { state: 'error', dlspeed: 0, eta: ETA_INFINITY });
        input.queue.update({
          status: 'failed',
          trackedDownloadStatus: 'error',
          trackedDownloadState: 'failedPending',
          errorMessage: 'qBittorrent is reporting an error',
          timeleft: null,
          estimatedCompletionTime: null,
        });
      },
      remove,
    };
  }

  return { start, ticking };
}
