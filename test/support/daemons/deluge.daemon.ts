/**
 * A real Deluge 2.0.3 (Debian 12 `deluged` + `deluge-web`, libtorrent 2.0.8, Python 3.11.2) on
 * throwaway config and free ports, and the test-driver calls the integration and end-to-end tests use.
 *
 * What was found (2026-11-22, by hand and then through this module):
 *
 * Commands (both stay in the foreground with `-d`, "do not daemonize"; SIGTERM stops them cleanly):
 *   deluged -d -c CFG -p <daemon port> -u 127.0.0.1 -i 127.0.0.1 -L error
 *   deluge-web -d -c CFG -i 127.0.0.1 -p <web port> -L error
 * Both share CFG, so deluge-web finds the `auth` file of deluged. Without `-l`, deluged logs to
 * CFG/deluged.log (and writes CFG/deluged.pid); deluge-web logs to stdout, which `startDaemon` keeps.
 *
 * Config files, written before the first start (every file is Deluge's JSON config format: two JSON
 * objects back to back, a version header then the values; keys left out take Deluge's defaults, and
 * Deluge rewrites the file in full, sorted and indented by 4, at the first save):
 *   CFG/auth           `localclient:<daemon password>:10` (user:password:level; 10 = admin). Without
 *                      it deluged makes one with a random password.
 *   CFG/core.conf      `{"file": 1, "format": 1}{...}`: dht, upnp, natpmp, lsd, utpex false;
 *                      `random_port: false` (the default true IGNORES listen_ports and picks a random
 *                      port in 49152..65525) and `listen_ports: [p, p]`; listen_interface and
 *                      outgoing_interface 127.0.0.1; download_location, move_completed_path and
 *                      torrentfiles_location in the throwaway dir; new_release_check, send_info false;
 *                      `enabled_plugins: ["Label"]`; max_active_* -1 (no queueing in tests).
 *                      Defaults that were checked: with no core.conf deluged opens LSD on 0.0.0.0:6771,
 *                      UPnP on 127.0.0.1:1900, DHT, and a random peer port; with this file only the
 *                      peer port (TCP + uTP on 127.0.0.1) and the daemon port are open.
 *   CFG/web.conf       `{"file": 2, "format": 1}{...}`: pwd_salt (any string) and pwd_sha1 =
 *                      hex(sha1(salt + password)) (the default password is `deluge`); interface, port,
 *                      `default_daemon: <host id>` (Deluge Web connects to it when it starts),
 *                      first_login false, https false.
 *   CFG/hostlist.conf  `{"file": 3, "format": 1}{"hosts": [[id, "127.0.0.1", <daemon port>,
 *                      "localclient", <daemon password>]]}`; the id is 32 hex (uuid4().hex).
 * The Label plugin ships in the package (`/usr/lib/python3/dist-packages/deluge/plugins/Label-0.3.egg`)
 * and works on Python 3.11: `label.add` (lowercases; only [a-z0-9_-.]; a second add of the same name is
 * error 4 "Label already exists"), `label.set_torrent [hash, label]`, `label.get_labels`.
 *
 * Timings on a 2-core CI-like machine: deluged accepts on its port 0.5–0.6 s after spawn, deluge-web
 * answers HTTP 0.4 s after spawn and is connected to the daemon a moment later: `startDelugeDaemon`
 * takes 1.0–2.0 s in all. SIGTERM: both exit in ~0.4 s (waited on from Node, their parent; a shell
 * `kill -0` loop on orphaned processes reads ~2 s because of zombies, real-clients.md §5). A 300 kB
 * torrent over existing data is `Seeding` 0.3–1.8 s after the add; 200 MB spends ~2 s in `Checking`.
 * Deluge refreshes torrent status about once a second: `core.pause_torrent` reads `Paused` 1.5–2 s
 * later, and a torrent can read `Paused` for a moment right after `core.add_torrent_file`.
 *
 * Pitfalls:
 * - Python 3.11 breaks Deluge 2.0.3's logger (`Logging.findCaller() takes from 1 to 2 positional
 *   arguments but 3 were given`): each record at or above the level raises inside the logger. With
 *   `-L info` the log is a wall of "Unhandled error in Deferred" tracebacks; the records themselves are
 *   lost (at `-L error` a failed login leaves no line at all). The daemons keep working, so `-L error`
 *   it is. Each deluge-web start also prints "Unable to initialize gettext/locale!" (harmless).
 * - Deluge Web does not reconnect after deluged restarts: `web.connected` is false and `web.update_ui`
 *   says `connected: false` until someone calls `web.connect [host id]`. Worse, a `core.*` call made
 *   while it is disconnected but after it had been connected is NEVER answered (the request hangs), so
 *   drivers must check `web.connected` first.
 * - Content-Type must be exactly `application/json` (with `; charset=utf-8`: error 5).
 * - `daemon.info` is "Unknown method" through Deluge Web; use `daemon.get_version` or
 *   `web.get_host_status [id]` (→ `[id, "Connected", "2.0.3"]`).
 * - `core.add_torrent_file` of a torrent already in the session is error 4 "Torrent already in
 *   session"; use a fresh torrent per test (real-clients.md).
 * - Removing the data of a finished torrent while deluged is down gives, after the restart, state
 *   `Error` with message "Missing or invalid torrent data!" (`progress` then reads 100: in Error,
 *   Checking and Moving, Deluge's progress is that task's, not the download's). Deleting it while the
 *   daemon runs and forcing a recheck gives `Downloading` at 0 instead (briefly `Seeding` at 0 first).
 */
import { createHash, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir, freePort, type RunningDaemon, startDaemon, throwawayDir } from './daemon-process.js';

export interface DelugeDaemon {
  /** Deluge Web's base URL; the JSON-RPC endpoint is `${url}/json`. */
  url: string;
  /** Deluge Web's password. */
  password: string;
  /** Where torrents are saved unless told otherwise. */
  downloadDir: string;
  /** Adds a .torrent; `label` goes through the Label plugin (lowercased, created when missing). */
  addTorrent(input: {
    torrent: Buffer;
    label?: string;
    paused?: boolean;
    downloadDir?: string;
  }): Promise<{ hash: string }>;
  remove(input: { hash: string; removeData?: boolean }): Promise<void>;
  /**
   * Any Deluge Web JSON-RPC call with the driver's own session. Daemon methods (`core.*`, `label.*`,
   * ...) connect Deluge Web to deluged first; `web.*` and `auth.*` are sent as they are.
   */
  rpc<T = unknown>(method: string, params: unknown[]): Promise<T>;
  /**
   * Stops deluged, runs `whileStopped`, starts it again on the same config. Deluge Web stays up and,
   * like the real thing, is left disconnected until someone calls `web.connect`.
   */
  restartDaemon(input?: { whileStopped?: () => void | Promise<void> }): Promise<void>;
  stop(): Promise<void>;
}

function delugeConfig(header: { file: number; format: number }, values: object): string {
  return `${JSON.stringify(header, null, 4)}${JSON.stringify(values, null, 4)}`;
}

export async function startDelugeDaemon(): Promise<DelugeDaemon> {
  const root = throwawayDir('deluge');
  const configDir = ensureDir(join(root, 'config'));
  const downloadDir = ensureDir(join(root, 'downloads'));
  const [daemonPort, webPort, peerPort] = [await freePort(), await freePort(), await freePort()];
  const password = `web-${randomBytes(6).toString('hex')}`;
  const daemonPassword = randomBytes(12).toString('hex');
  const hostId = randomBytes(16).toString('hex');
  const salt = randomBytes(20).toString('hex');

  writeFileSync(join(configDir, 'auth'), `localclient:${daemonPassword}:10\n`, { mode: 0o600 });
  writeFileSync(
    join(configDir, 'core.conf'),
    delugeConfig(
      { file: 1, format: 1 },
      {
        daemon_port: daemonPort,
        allow_remote: false,
        dht: false,
        upnp: false,
        natpmp: false,
        lsd: false,
        utpex: false,
        random_port: false,
        listen_ports: [peerPort, peerPort],
        listen_interface: '127.0.0.1',
        outgoing_interface: '127.0.0.1',
        download_location: downloadDir,
        move_completed_path: downloadDir,
        torrentfiles_location: downloadDir,
        new_release_check: false,
        send_info: false,
        enabled_plugins: ['Label'],
        max_active_limit: -1,
        max_active_downloading: -1,
        max_active_seeding: -1,
      },
    ),
  );
  writeFileSync(
    join(configDir, 'web.conf'),
    delugeConfig(
      { file: 2, format: 1 },
      {
        pwd_salt: salt,
        pwd_sha1: createHash('sha1')
          .update(salt + password)
          .digest('hex'),
        interface: '127.0.0.1',
        port: webPort,
        https: false,
        default_daemon: hostId,
        first_login: false,
        session_timeout: 3600,
        enabled_plugins: [],
      },
    ),
  );
  writeFileSync(
    join(configDir, 'hostlist.conf'),
    delugeConfig(
      { file: 3, format: 1 },
      { hosts: [[hostId, '127.0.0.1', daemonPort, 'localclient', daemonPassword]] },
    ),
  );

  const startCore = () =>
    startDaemon({
      name: 'deluged',
      command: 'deluged',
      args: [
        '-d',
        '-c',
        configDir,
        '-p',
        String(daemonPort),
        '-u',
        '127.0.0.1',
        '-i',
        '127.0.0.1',
        '-L',
        'error',
      ],
      logFile: join(root, 'deluged.log'),
      readyPort: daemonPort,
      readyTimeoutMs: 20_000,
    });
  let core: RunningDaemon = await startCore();
  let web: RunningDaemon;
  try {
    web = await startDaemon({
      name: 'deluge-web',
      command: 'deluge-web',
      args: ['-d', '-c', configDir, '-i', '127.0.0.1', '-p', String(webPort), '-L', 'error'],
      logFile: join(root, 'deluge-web.log'),
      readyUrl: `http://127.0.0.1:${webPort}/`,
      readyTimeoutMs: 20_000,
    });
  } catch (error) {
    await core.stop();
    throw error;
  }

  const url = `http://127.0.0.1:${webPort}`;
  let cookie = '';
  let nextId = 1;

  async function post(method: string, params: unknown[]): Promise<{ result: unknown; error: unknown }> {
    const response = await fetch(`${url}/json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(cookie && { Cookie: cookie }) },
      body: JSON.stringify({ method, params, id: nextId++ }),
      signal: AbortSignal.timeout(15_000),
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      if (pair.startsWith('_session_id=')) cookie = pair;
    }
    return (await response.json()) as { result: unknown; error: unknown };
  }

  async function call<T>(method: string, params: unknown[]): Promise<T> {
    let answer = await post(method, params);
    if ((answer.error as { code?: number } | null)?.code === 1) {
      const login = await post('auth.login', [password]);
      if (login.result !== true) throw new Error('Deluge Web refused the test password');
      answer = await post(method, params);
    }
    if (answer.error) throw new Error(`Deluge ${method}: ${JSON.stringify(answer.error).slice(0, 500)}`);
    return answer.result as T;
  }

  /** Deluge Web connected to deluged (it connects by itself at start, but not after a daemon restart). */
  async function connected(): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!(await call<boolean>('web.connected', []))) {
      if (Date.now() > deadline) {
        throw new Error(`Deluge Web did not connect to deluged:\n${web.log().slice(-2_000)}`);
      }
      // Answers null while deluged is not there yet; the loop asks again.
      await call('web.connect', [hostId]).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function rpc<T = unknown>(method: string, params: unknown[]): Promise<T> {
    // A daemon method sent while Deluge Web is disconnected may never be answered.
    if (!method.startsWith('web.') && !method.startsWith('auth.')) await connected();
    return call<T>(method, params);
  }

  try {
    await connected();
  } catch (error) {
    await Promise.all([web.stop(), core.stop()]);
    throw error;
  }

  return {
    url,
    password,
    downloadDir,
    async addTorrent({ torrent, label, paused = false, downloadDir: location = downloadDir }) {
      const hash = await rpc<string | null>('core.add_torrent_file', [
        'test.torrent',
        torrent.toString('base64'),
        { add_paused: paused, download_location: location },
      ]);
      if (typeof hash !== 'string') throw new Error('Deluge did not add the torrent');
      if (label) {
        const name = label.toLowerCase();
        const labels = await rpc<string[]>('label.get_labels', []);
        if (!labels.includes(name)) await rpc('label.add', [name]);
        await rpc('label.set_torrent', [hash, name]);
      }
      return { hash };
    },
    async remove({ hash, removeData = false }) {
      await rpc('core.remove_torrent', [hash.toLowerCase(), removeData]);
    },
    rpc,
    async restartDaemon({ whileStopped } = {}) {
      await core.stop();
      await whileStopped?.();
      core = await startCore();
    },
    async stop() {
      await Promise.all([web.stop(), core.stop()]);
      rmSync(root, { recursive: true, force: true });
    },
  };
}
