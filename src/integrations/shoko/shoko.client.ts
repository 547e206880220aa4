/**
 * Shoko Server REST v3 (contracts.md §5): the key goes in the `apikey` header (not `X-Api-Key`).
 * `Init/Version` answers without a key, so the key is checked on `User/Current`.
 *
 * Checked against ShokoAnime/ShokoServer `releases/v5.x.y` (5.x) and `master` (6.0 dev):
 * - `GET /api/v3/Init/Version` → `ComponentVersionSet` `{ Server: { Version, Commit?, ReleaseChannel?,
 *   Tag?, ReleaseDate? }, MediaInfo?, WebUI? }`; the major version picks the SignalR event names.
 * - `GET /api/v3/File/PathEndsWith?path=…` (`FileController.PathEndsWithQuery`; also
 *   `/PathEndsWith/{*path}`): the files with a location whose ABSOLUTE server path ends with `path`,
 *   compared case-insensitively after turning `/` and `\` into the server's separator. v5 takes
 *   `includeXRefs=true` (its default), v6 `include=XRefs`; ASP.NET ignores the one it does not know, so
 *   both are sent. `limit` is 0..100.
 * - `GET /api/v3/File/{id}`: one file (404 when unknown).
 * - `POST /api/auth` `{ user, pass, device }` → `{ apikey }` (API v0 `AuthenticationController`); the
 *   same user and device get the same key back, so the device name must stay stable.
 */
import type { ServiceConnection } from '../service-connection.js';
import { IntegrationError } from '../shared/integration-error.js';
import {
  createServiceHttp,
  type HttpAnswer,
  parseJsonAnswer,
  type ResilienceOptions,
} from '../shared/service-http.js';
import {
  type ShokoFilePayload,
  shokoAuthAnswerSchema,
  shokoFileListSchema,
  shokoFileSchema,
  shokoVersionSetSchema,
} from './shoko.schemas.js';

/** The device name the tracker logs in with; Shoko keys API keys by user + device. */
export const SHOKO_DEVICE_NAME = 'status-tracker';

/** Which SignalR event names the server speaks: `ShokoEvent:*` (v5) or `file:*`/`release:*` (v6). */
export type ShokoEventNaming = 'v5' | 'v6';

/** One link from a Shoko file to an episode; any id may be missing while Shoko is still importing. */
export interface ShokoCrossReference {
  shokoSeriesId?: number | undefined;
  shokoEpisodeId?: number | undefined;
  anidbAnimeId?: number | undefined;
  anidbEpisodeId?: number | undefined;
}

/** Where one copy of a file lies: the import (v6: managed) folder and the path inside it. */
export interface ShokoFileLocation {
  folderId: number;
  /** Relative to the folder, as Shoko sends it (its OS separators). */
  relativePath: string;
}

/** A file Shoko knows, normalised from v3 `File`. */
export interface ShokoFile {
  fileId: number;
  /** Every location's relative path, in Shoko's order. */
  relativePaths: string[];
  locations: ShokoFileLocation[];
  /** Shoko linked the file to at least one episode. */
  matched: boolean;
  crossReferences: ShokoCrossReference[];
}

export interface ShokoVersion {
  /** `Server.Version` as sent ("5.1.0.0", "6.0.0-dev.12"). */
  version: string;
  /** Leading number of the version; null when it does not start with one. */
  major: number | null;
  naming: ShokoEventNaming;
  releaseChannel: string | null;
  commit: string | null;
}

export interface ShokoClient extends ServiceConnection {
  /** `GET /api/v3/Init/Version` (no key needed). */
  version(): Promise<ShokoVersion>;
  /**
   * The files Shoko has at the path an *arr imported (`importedPath`, any mount root): asks Shoko for
   * the tail of the path and keeps the files with a location that `pathTailMatches` it.
   */
  findFilesByPath(importedPath: string): Promise<ShokoFile[]>;
  /** `GET /api/v3/File/{id}` with cross-references; null when Shoko does not know the id. */
  getFile(fileId: number): Promise<ShokoFile | null>;
  /** `POST /api/v3/File/{id}/Rescan?priority=true`: ask AniDB about a file again, first in Shoko's queue. */
  rescanFile(fileId: number): Promise<void>;
  /** `GET /api/v3/Action/RunImport`: scan the import folders for files Shoko has not seen yet. */
  runImport(): Promise<void>;
}

/** Segments compared by `pathTailMatches`: the file name, its folder and the one above. */
const TAIL_SEGMENTS = 3;
/** Segments sent to `PathEndsWith`: file name and folder, which every mount of the file shares. */
const QUERY_SEGMENTS = 2;

/** Path segments with `\` read as `/`, empty and `.` segments dropped. */
export function pathSegments(path: string): string[] {
  return path
    .replaceAll('\\', '/')
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.');
}

/** The last `segments` segments of a path, joined with `/`. */
export function pathTail({ path, segments }: { path: string; segments: number }): string {
  return pathSegments(path).slice(-segments).join('/');
}

/**
 * Whether a Shoko relative path and a path an *arr imported name the same file. Shoko and the *arr
 * mount the library at different roots, and Shoko's path is relative to its import folder with its
 * OS separators, so only the end of the paths can be compared. The rule: `\` counts as `/`, empty
 * and `.` segments are ignored, and the last segments must be equal, case-sensitively (Linux file
 * systems are), as many as both paths have up to three — the file name, its folder and the folder
 * above (series/season/file); a path of one segment compares the file name alone.
 */
export function pathTailMatches({
  shokoRelativePath,
  importedPath,
}: {
  shokoRelativePath: string;
  importedPath: string;
}): boolean {
  const shoko = pathSegments(shokoRelativePath);
  const imported = pathSegments(importedPath);
  const count = Math.min(TAIL_SEGMENTS, shoko.length, imported.length);
  if (count === 0) return false;
  for (let i = 1; i <= count; i++) {
    if (shoko[shoko.length - i] !== imported[imported.length - i]) return false;
  }
  return true;
}

/** v5 serves `ShokoEvent:*`; v6 (master, 6.0 dev) renamed everything to `file:*`/`release:*`. */
export function shokoNamingFor(version: string | null | undefined): ShokoEventNaming {
  const major = majorOf(version);
  return major !== null && major >= 6 ? 'v6' : 'v5';
}

function majorOf(version: string | null | undefined): number | null {
  const match = /^\s*v?(\d+)/i.exec(version ?? '');
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** Normalises a v3 `File` (v5 `ImportFolderID` or v6 `ManagedFolderID` locations). */
export function toShokoFile(payload: ShokoFilePayload): ShokoFile {
  const locations: ShokoFileLocation[] = (payload.Locations ?? []).map((location) => ({
    folderId: location.ManagedFolderID ?? location.ImportFolderID ?? 0,
    relativePath: location.RelativePath,
  }));
  const crossReferences: ShokoCrossReference[] = [];
  for (const series of payload.SeriesIDs ?? []) {
    for (const episode of series.EpisodeIDs ?? []) {
      crossReferences.push({
        shokoSeriesId: series.SeriesID?.ID ?? undefined,
        anidbAnimeId: series.SeriesID?.AniDB ?? undefined,
        shokoEpisodeId: episode.ID ?? undefined,
        anidbEpisodeId: episode.AniDB ?? undefined,
      });
    }
  }
  return {
    fileId: payload.ID,
    relativePaths: locations.map((location) => location.relativePath),
    locations,
    matched: crossReferences.length > 0,
    crossReferences,
  };
}

/** A refused key is `unauthorized`; any other status `ok` does not accept is a `bad_response`. */
function refuseUnless(answer: HttpAnswer, what: string, ok: (status: number) => boolean): void {
  if (answer.status === 401 || answer.status === 403) {
    throw new IntegrationError('unauthorized', 'Shoko refused the API key', { status: answer.status });
  }
  if (!ok(answer.status)) {
    throw new IntegrationError('bad_response', `Shoko ${what} answered HTTP ${answer.status}`, {
      status: answer.status,
    });
  }
}

/** Shoko's commands answer `200 OK` with no body. */
function expectOk(answer: HttpAnswer, what: string): void {
  refuseUnless(answer, what, (status) => status >= 200 && status < 300);
}

function refuseOrRead(answer: HttpAnswer, what: string): unknown {
  refuseUnless(answer, what, (status) => status === 200);
  return parseJsonAnswer(answer, `Shoko ${what}`);
}

export function createShokoClient({
  url,
  apiKey,
  resilience,
}: {
  url: string;
  apiKey: string;
  resilience?: ResilienceOptions | undefined;
}): ShokoClient {
  const http = createServiceHttp({ baseUrl: url, resilience });
  const headers = { apikey: apiKey, Accept: 'application/json' };

  const version = () =>
    http.call('api/v3/Init/Version', { headers }, (answer): ShokoVersion => {
      const parsed = shokoVersionSetSchema.safeParse(refuseOrRead(answer, 'Init/Version'));
      if (!parsed.success) throw new IntegrationError('bad_response', 'not a Shoko version answer');
      const server = parsed.data.Server;
      const text = server.Version ?? '';
      return {
        version: text,
        major: majorOf(text),
        naming: shokoNamingFor(text),
        releaseChannel: server.ReleaseChannel ?? null,
        commit: server.Commit ?? null,
      };
    });

  return {
    status: http.status,
    version,
    async testConnection() {
      await http.call('api/v3/User/Current', { headers }, (answer) => refuseOrRead(answer, 'User/Current'));
      const { version: text } = await version();
      return { version: text };
    },
    async findFilesByPath(importedPath) {
      const tail = pathTail({ path: importedPath, segments: QUERY_SEGMENTS });
      if (tail === '') return [];
      const query = new URLSearchParams({ path: tail, includeXRefs: 'true', include: 'XRefs', limit: '100' });
      const files = await http.call(`api/v3/File/PathEndsWith?${query}`, { headers }, (answer) => {
        const parsed = shokoFileListSchema.safeParse(refuseOrRead(answer, 'File/PathEndsWith'));
        if (!parsed.success) throw new IntegrationError('bad_response', 'not a Shoko file list');
        return parsed.data.map(toShokoFile);
      });
      return files.filter((file) =>
        file.relativePaths.some((shokoRelativePath) => pathTailMatches({ shokoRelativePath, importedPath })),
      );
    },
    getFile(fileId) {
      const query = new URLSearchParams({ includeXRefs: 'true', include: 'XRefs' });
      return http.call(`api/v3/File/${fileId}?${query}`, { headers }, (answer) => {
        if (answer.status === 404) return null;
        const parsed = shokoFileSchema.safeParse(refuseOrRead(answer, `File/${fileId}`));
        if (!parsed.success) throw new IntegrationError('bad_response', 'not a Shoko file');
        return toShokoFile(parsed.data);
      });
    },
    async rescanFile(fileId) {
      await http.call(`api/v3/File/${fileId}/Rescan?priority=true`, { method: 'POST', headers }, (answer) => {
        if (answer.status === 404) {
          throw new IntegrationError('bad_response', `Shoko no longer knows file ${fileId}`, { status: 404 });
        }
        expectOk(answer, `File/${fileId}/Rescan`);
      });
    },
    async runImport() {
      await http.call('api/v3/Action/RunImport', { headers }, (answer) =>
        expectOk(answer, 'Action/RunImport'),
      );
    },
  };
}

/**
 * `POST /api/auth`: trades a Shoko user name and password for an API key. Shoko hands back the key
 * it already issued to that user and device, so logging in again does not pile up keys.
 */
export function loginToShoko({
  url,
  user,
  pass,
  device = SHOKO_DEVICE_NAME,
  resilience,
}: {
  url: string;
  user: string;
  pass: string;
  device?: string | undefined;
  resilience?: ResilienceOptions | undefined;
}): Promise<{ apiKey: string }> {
  const http = createServiceHttp({ baseUrl: url, resilience });
  return http.call(
    'api/auth',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ user, pass, device }),
    },
    (answer) => {
      if (answer.status === 401 || answer.status === 403) {
        throw new IntegrationError('unauthorized', 'Shoko refused the user name or password', {
          status: answer.status,
        });
      }
      const parsed = shokoAuthAnswerSchema.safeParse(refuseOrRead(answer, 'auth'));
      if (!parsed.success) throw new IntegrationError('bad_response', 'not a Shoko login answer');
      return { apiKey: parsed.data.apikey };
    },
  );
}
