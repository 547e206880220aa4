/**
 * A real NZBGet (Debian 12: 21.0) with a throwaway MainDir and config, for integration and
 * end-to-end tests, downloading from the fake NNTP server (real-clients.md §3). The config is
 * written before the start: control port on 127.0.0.1 (free port) with a username and password, one
 * news server (the fake NNTP), categories `radarr`, `sonarr`, `tv`, `movies`, HealthCheck=delete (a
 * download whose articles are missing fails at once), no unpacking, no update check, no disk-space
 * pause. The driver operations call the JSON-RPC API themselves, independent of the client under test.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir, freePort, type RunningDaemon, startDaemon, throwawayDir } from './daemon-process.js';
import { type FakeNntp, startFakeNntp } from './fake-nntp.js';

export interface NzbgetDaemon {
  /** Control base URL, `http://127.0.0.1:<port>` (JSON-RPC at `/jsonrpc`). */
  url: string;
  username: string;
  password: string;
  /** NZBGet's add-only user (AddUsername/AddPassword). */
  addUser: { username: string; password: string };
  /** The news server NZBGet downloads from. */
  nntp: FakeNntp;
  /** Where finished downloads go (`<destDir>/<category>/<name>`). */
  destDir: string;
  /**
   * `append` as Radarr/Sonarr call it: `drone` becomes the post-processing parameter `drone=<value>`.
   * NZBGet rejects an NZB whose content it has seen before (history `DELETED/COPY`): use fresh ones.
   */
  append(input: {
    name: string;
    nzb: string;
    category?: string;
    paused?: boolean;
    drone?: string;
  }): Promise<{ nzbId: number }>;
  /**
   * Removes a queued download (`GroupDelete`: it moves to the history as `DELETED/MANUAL`) or a
   * history entry (`HistoryFinalDelete`).
   */
  remove(input: { nzbId: number }): Promise<void>;
  /** The global download limit (NZBGet's `rate`) in KiB/s (200 → `DownloadLimit` 204800 B/s); 0 lifts it. */
  setRate(input: { kilobytesPerSecond: number }): Promise<void>;
  /** Any JSON-RPC method with positional params; throws on an RPC error. */
  rpc(method: string, params: unknown[]): Promise<unknown>;
  /** NZBGet's own log file (its stdout is block-buffered when not a terminal). */
  log(): string;
  /** Stops NZBGet and the fake NNTP server, and deletes MainDir. */
  stop(): Promise<void>;
}

function config(input: {
  mainDir: string;
  controlPort: number;
  nntpPort: number;
  username: string;
  password: string;
  addUser: { username: string; password: string };
}): string {
  return `MainDir=${input.mainDir}
DestDir=\${MainDir}/dst
InterDir=\${MainDir}/inter
NzbDir=\${MainDir}/nzbdrop
QueueDir=\${MainDir}/queue
TempDir=\${MainDir}/tmp
ScriptDir=\${MainDir}/scripts
LockFile=\${MainDir}/nzbget.lock
LogFile=\${MainDir}/nzbget.log
WebDir=/usr/share/nzbget/webui
ConfigTemplate=/usr/share/nzbget/webui/nzbget.conf
ControlIP=127.0.0.1
ControlPort=${input.controlPort}
ControlUsername=${input.username}
ControlPassword=${input.password}
RestrictedUsername=
AddUsername=${input.addUser.username}
AddPassword=${input.addUser.password}
FormAuth=no
SecureControl=no
UpdateCheck=none
DaemonUsername=root
OutputMode=loggable
NzbDirInterval=0
CrashTrace=no
DiskSpace=0
Server1.Active=yes
Server1.Name=fake-nntp
Server1.Host=127.0.0.1
Server1.Port=${input.nntpPort}
Server1.Username=
Server1.Password=
Server1.Connections=2
Server1.Encryption=no
ArticleRetries=1
ArticleInterval=1
ArticleTimeout=5
HealthCheck=delete
Unpack=no
Category1.Name=radarr
Category2.Name=sonarr
Category3.Name=tv
Category4.Name=movies
`;
}

export async function startNzbgetDaemon(): Promise<NzbgetDaemon> {
  const root = throwawayDir('nzbget');
  const mainDir = ensureDir(join(root, 'nzb'));
  const controlPort = await freePort();
  const nntp = await startFakeNntp();
  const url = `http://127.0.0.1:${controlPort}`;
  const username = 'nzbget';
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const addUser = { username: 'adder', password: `add-${randomBytes(8).toString('hex')}` };
  const confPath = join(root, 'nzbget.conf');
  writeFileSync(confPath, config({ mainDir, controlPort, nntpPort: nntp.port, username, password, addUser }));

  let daemon: RunningDaemon;
  try {
    daemon = await startDaemon({
      name: 'nzbget',
      command: 'nzbget',
      args: ['-c', confPath, '-s'],
      logFile: join(root, 'stdout.log'),
      readyUrl: `${url}/jsonrpc`,
    });
  } catch (error) {
    await nntp.close();
    throw error;
  }

  let nextId = 1;
  async function rpc(method: string, params: unknown[]): Promise<unknown> {
    const answer = await fetch(`${url}/jsonrpc`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
        'Content-Type': 'application/json',
        // NZBGet 21's keep-alive breaks after a 401 on the same socket (see nzbget.client.ts).
        Connection: 'close',
      },
      body: JSON.stringify({ method, params, id: nextId++ }),
    });
    const text = await answer.text();
    if (answer.status !== 200) throw new Error(`NZBGet ${method}: HTTP ${answer.status} ${text}`);
    const body = JSON.parse(text) as { result?: unknown; error?: { message?: string } | null };
    if (body.error) throw new Error(`NZBGet ${method}: ${body.error.message ?? JSON.stringify(body.error)}`);
    return body.result;
  }

  return {
    url,
    username,
    password,
    addUser,
    nntp,
    destDir: join(mainDir, 'dst'),
    async append({ name, nzb, category = '', paused = false, drone }) {
      // Radarr/Sonarr send the parameters as a flat name, value list (NzbgetProxy.DownloadNzb);
      // NZBGet 21 reads `[{"Name":"drone","Value":id}]` as two parameters, `Name` and `Value`.
      const parameters = drone === undefined ? [] : ['drone', drone];
      const nzbId = await rpc('append', [
        `${name}.nzb`,
        Buffer.from(nzb).toString('base64'),
        category,
        0,
        false,
        paused,
        '',
        0,
        'SCORE',
        parameters,
      ]);
      if (typeof nzbId !== 'number' || nzbId <= 0) throw new Error(`NZBGet append answered ${nzbId}`);
      return { nzbId };
    },
    async remove({ nzbId }) {
      const groups = (await rpc('listgroups', [0])) as Array<{ NZBID: number }>;
      const inQueue = groups.some((group) => group.NZBID === nzbId);
      const done = await rpc('editqueue', [inQueue ? 'GroupDelete' : 'HistoryFinalDelete', '', [nzbId]]);
      if (done !== true) throw new Error(`NZBGet could not remove ${nzbId}`);
    },
    async setRate({ kilobytesPerSecond }) {
      if ((await rpc('rate', [kilobytesPerSecond])) !== true) throw new Error('NZBGet rate refused');
    },
    rpc,
    log: () => {
      try {
        return readFileSync(join(mainDir, 'nzbget.log'), 'utf8');
      } catch {
        return daemon.log();
      }
    },
    async stop() {
      await daemon.stop();
      await nntp.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
