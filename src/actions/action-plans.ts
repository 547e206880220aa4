import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { DownloadView } from '../domain/derive.js';
import type { ServiceConnections } from '../services/service-connections.js';
import type { LibraryCandidate } from '../tracker/library-queries.js';
import type { ActionName } from './action-catalog.js';

/** A command ready for the outbox: where it goes, what it carries, how the timeline words it. */
export interface PlannedAction {
  serviceId: string;
  /** Same request, same command, same arguments: one row. */
  dedupeKey: string;
  payload: Record<string, unknown> & { todo: string; done: string };
}

export type Plan = { ok: true; plan: PlannedAction } | { ok: false; reason: string };

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

function files(count: number): string {
  return count === 1 ? 'the imported file' : `${count} imported files`;
}

/** The download `remove_and_search` would throw away: the newest one still on its way. */
export function downloadToRemove(request: LibraryCandidate): DownloadView | undefined {
  return (JSON.parse(request.row.downloads) as DownloadView[])
    .filter((d) => d.state !== 'imported' && d.state !== 'failed')
    .at(-1);
}

/**
 * Turns "do X for this request" into a concrete command, or says why it does not apply. Each action
 * knows which service runs it and what that service needs.
 */
export function createActionPlanner({
  connections,
  clock,
}: {
  connections: ServiceConnections;
  clock: Clock;
}) {
  /** Commands that may be sent again later: once per request and hour. */
  const hour = () => Math.floor(clock.now().getTime() / 3_600_000);
  /** The Radarr (movies) or Sonarr (series) instance of a request: the one that spoke of it, else the first. */
  function arrFor(request: LibraryCandidate) {
    const app = request.row.mediaType === 'movie' ? 'radarr' : 'sonarr';
    const all = connections.all().filter((c) => c.arr?.app === app);
    const named = request.arr?.instance.toLowerCase();
    return all.find((c) => c.instance.name.toLowerCase() === named) ?? all[0];
  }
  const arrName = (request: LibraryCandidate) => (request.row.mediaType === 'movie' ? 'Radarr' : 'Sonarr');

  /** MoviesSearch for the movie, EpisodeSearch for the requested episodes not yet in the library. */
  function searchCommand(request: LibraryCandidate): ({ name: string } & Record<string, unknown>) | null {
    if (!request.arr) return null;
    if (request.row.mediaType === 'movie') return { name: 'MoviesSearch', movieIds: [request.arr.id] };
    const episodeIds = request.episodes
      .filter((e) => e.inScope && e.aired && e.state !== 'available' && e.sonarrEpisodeId !== null)
      .map((e) => e.sonarrEpisodeId as number);
    if (episodeIds.length > 0) return { name: 'EpisodeSearch', episodeIds };
    const season = (JSON.parse(request.row.requestedSeasons) as number[])[0];
    return season === undefined
      ? null
      : { name: 'SeasonSearch', seriesId: request.arr.id, seasonNumber: season };
  }

  const planners: Partial<Record<ActionName, (request: LibraryCandidate) => Plan>> = {
    force_import(request) {
      const arr = arrFor(request);
      if (!arr) return { ok: false, reason: `no ${arrName(request)} is configured` };
      const download = request.completedDownloads.find((d) => d.path);
      if (!download?.path) return { ok: false, reason: 'no completed download with a known path' };
      const name = request.row.mediaType === 'movie' ? 'DownloadedMoviesScan' : 'DownloadedEpisodesScan';
      return {
        ok: true,
        plan: {
          serviceId: arr.instance.id,
          dedupeKey: `force_import:${request.row.id}:${download.downloadId}`,
          payload: {
            command: { name, path: download.path, downloadClientId: download.downloadId },
            todo: `ask ${arr.instance.name} to import the completed download`,
            done: `Asked ${arr.instance.name} to import the completed download (${name})`,
          },
        },
      };
    },
    search(request) {
      const arr = arrFor(request);
      if (!arr) return { ok: false, reason: `no ${arrName(request)} is configured` };
      const command = searchCommand(request);
      if (!command) return { ok: false, reason: `${arrName(request)} has not told which item this is yet` };
      return {
        ok: true,
        plan: {
          serviceId: arr.instance.id,
          // Once per request and hour: searching hammers the indexers.
          dedupeKey: `search:${request.row.id}:${hour()}`,
          payload: {
            command,
            todo: `ask ${arr.instance.name} to search again`,
            done: `Asked ${arr.instance.name} to search again (${command.name})`,
          },
        },
      };
    },
    remove_and_search(request) {
      const arr = arrFor(request);
      if (!arr) return { ok: false, reason: `no ${arrName(request)} is configured` };
      const command = searchCommand(request);
      if (!command) return { ok: false, reason: `${arrName(request)} has not told which item this is yet` };
      const download = downloadToRemove(request);
      if (!download) return { ok: false, reason: 'no download on its way to remove' };
      // Nearly done is better finished than thrown away.
      if ((download.progress ?? 0) > 0.99) return { ok: false, reason: 'the download is over 99 % done' };
      return {
        ok: true,
        plan: {
          serviceId: arr.instance.id,
          dedupeKey: `remove_and_search:${request.row.id}:${download.key}`,
          payload: {
            downloadId: download.downloadId,
            command,
            todo: `ask ${arr.instance.name} to remove and blocklist the download and search again`,
            done: `Asked ${arr.instance.name} to remove and blocklist the download and search again`,
          },
        },
      };
    },
    refresh_downloads(request) {
      const arr = arrFor(request);
      if (!arr) return { ok: false, reason: `no ${arrName(request)} is configured` };
      return {
        ok: true,
        plan: {
          serviceId: arr.instance.id,
          // Once per request and hour: a refresh is cheap, but not once per cycle.
          dedupeKey: `refresh_downloads:${request.row.id}:${hour()}`,
          payload: {
            command: { name: 'RefreshMonitoredDownloads' },
            todo: `ask ${arr.instance.name} to refresh its monitored downloads`,
            done: `Asked ${arr.instance.name} to refresh its monitored downloads`,
          },
        },
      };
    },
    jellyfin_scan(request) {
      const jellyfin = connections.all().find((c) => c.jellyfin !== null);
      if (!jellyfin) return { ok: false, reason: 'no Jellyfin is configured' };
      if (request.importedPaths.length === 0) return { ok: false, reason: 'nothing was imported yet' };
      const payload = {
        paths: request.importedPaths,
        mediaType: request.row.mediaType,
        tmdbId: request.row.tmdbId,
        tvdbId: request.row.tvdbId,
        todo: `ask Jellyfin to scan for ${files(request.importedPaths.length)}`,
        done: `Asked Jellyfin to scan for ${files(request.importedPaths.length)}`,
      };
      return {
        ok: true,
        plan: {
          serviceId: jellyfin.instance.id,
          dedupeKey: `jellyfin_scan:${request.row.id}:${digest(request.importedPaths)}`,
          payload,
        },
      };
    },
    shoko_rescan(request) {
      const shoko = connections.all().find((c) => c.shoko !== null);
      if (!shoko) return { ok: false, reason: 'no Shoko is configured' };
      const matched = new Set(request.matchedPaths);
      const paths = request.importedPaths.filter((path) => !matched.has(path));
      if (paths.length === 0) return { ok: false, reason: 'no imported file is waiting for Shoko' };
      return {
        ok: true,
        plan: {
          serviceId: shoko.instance.id,
          // Once per file set and hour: each rescan costs Shoko an AniDB look-up, which AniDB rations.
          dedupeKey: `shoko_rescan:${request.row.id}:${digest(paths)}:${hour()}`,
          payload: {
            paths,
            todo: `ask Shoko to rescan ${files(paths.length)}`,
            done: `Asked Shoko to rescan ${files(paths.length)}`,
          },
        },
      };
    },
  };

  return {
    plan(action: ActionName, request: LibraryCandidate): Plan {
      const planner = planners[action];
      if (!planner) return { ok: false, reason: `${action} is not available yet` };
      return planner(request);
    },
  };
}

export type ActionPlanner = ReturnType<typeof createActionPlanner>;

/** Runs one outbox command against its service; throws (an IntegrationError) when it fails. */
export function createActionExecutor({ connections }: { connections: ServiceConnections }) {
  return async function execute(row: { action: string; serviceId: string; payload: string }): Promise<void> {
    const target = connections.get(row.serviceId);
    if (!target) throw new Error('the service this command was for is no longer configured');
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    if (row.action === 'jellyfin_scan' && target.jellyfin) {
      const { client } = target.jellyfin;
      await client.notifyMediaUpdated({ paths: payload.paths as string[] });
      if (payload.mediaType === 'movie' && typeof payload.tmdbId === 'number') {
        await client.notifyMovieUpdated({ tmdbId: payload.tmdbId });
      }
      if (payload.mediaType === 'tv' && typeof payload.tvdbId === 'number') {
        await client.notifySeriesUpdated({ tvdbId: payload.tvdbId });
      }
      return;
    }
    if (row.action === 'shoko_rescan' && target.shoko) {
      // Files Shoko has but could not match are looked up on AniDB again; a file it never saw means
      // its import folders need a scan first.
      let unseen = false;
      for (const path of payload.paths as string[]) {
        const known = await target.shoko.findFilesByPath(path);
        if (known.length === 0) unseen = true;
        for (const file of known) if (!file.matched) await target.shoko.rescanFile(file.fileId);
      }
      if (unseen) await target.shoko.runImport();
      return;
    }
    if (row.action === 'remove_and_search' && target.arr) {
      const downloadId = payload.downloadId as string;
      const record = (await target.arr.client.queue()).find((item) => item.downloadId === downloadId);
      if (record) {
        await target.arr.client.removeFromQueue({
          id: record.id,
          removeFromClient: true,
          blocklist: true,
          skipRedownload: true,
        });
      }
    }
    if (
      ['force_import', 'refresh_downloads', 'search', 'remove_and_search'].includes(row.action) &&
      target.arr
    ) {
      const command = payload.command as { name: string } & Record<string, unknown>;
      const sent = await target.arr.client.command(command);
      if (sent.status === 'failed') throw new Error(sent.message ?? `${command.name} failed`);
      return;
    }
    throw new Error(`${row.action} cannot run on ${target.instance.name}`);
  };
}

export type ActionExecutor = ReturnType<typeof createActionExecutor>;
