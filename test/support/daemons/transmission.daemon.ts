/**
 * A real transmission-daemon (Debian 12: 3.00, RPC version 16) with a throwaway config dir, for
 * integration and end-to-end tests. settings.json is written before the first start
 * (real-clients.md §2): RPC and peers on 127.0.0.1 with free ports, Basic auth required, whitelist
 * 127.0.0.1, DHT/LPD/PeX/uTP/port forwarding off, downloads in the throwaway dir. Transmission
 * rewrites settings.json when it exits, so nothing here edits it while the daemon runs.
 *
 * The driver operations talk RPC themselves (own session-id handshake), independent of the client
 * under test. Hashes may be given in either case (Radarr's upper case or Transmission's lower).
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TORRENT_FIELDS } from '../../../src/integrations/transmission/transmission.client.js';
import { ensureDir, freePort, type RunningDaemon, startDaemon, throwawayDir } from './daemon-process.js';

export interface TransmissionDaemon {
  /** Host root, `http://127.0.0.1:<port>` (the RPC is at `/transmission/rpc`). */
  url: string;
  username: string;
  password: string;
  /** BitTorrent listen port on 127.0.0.1 (for another client's `addPeer`; 3.00 never dials 127.x itself). */
  peerPort: number;
  /** Default download dir; data written here by `makeTorrent({ writeTo })` is found and verified. */
  downloadDir: string;
  /**
   * `torrent-add` with the .torrent as `metainfo`, then `torrent-set` for the label and the limit.
   * With a limit, the torrent is added paused and started after the limit is set, so no byte
   * arrives unlimited.
   */
  addTorrent(input: {
    torrent: Buffer;
    label?: string;
    paused?: boolean;
    downloadDir?: string;
    /** kB/s, kB = 1000 bytes (Transmission's unit). */
    downloadLimitKBps?: number;
  }): Promise<{ hash: string }>;
  start(input: { hash: string }): Promise<void>;
  remove(input: { hash: string; deleteData?: boolean }): Promise<void>;
  /** The raw `torrent-get` object (camelCase, every field we know of); throws when it is not there. */
  get(input: { hash: string }): Promise<Record<string, unknown>>;
  /** Any RPC method, as this driver (`result` other than `success` throws). */
  rpc(method: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Stops and starts the daemon on the same config and ports: torrents stay, the session id changes.
   * Resolves once the daemon lists its torrents again: 3.00 answers RPC some 40 ms before it has
   * loaded them, and lists none in between.
   */
  restart(): Promise<void>;
  /** Stops the daemon and deletes its config and downloads. */
  stop(): Promise<void>;
}

const RAW_FIELDS = [
  ...TORRENT_FIELDS,
  'peersConnected',
  'queuePosition',
  'recheckProgress',
  'downloadedEver',
  'uploadedEver',
  'downloadLimited',
  'downloadLimit',
];

function settings(input: {
  rpcPort: number;
  peerPort: number;
  downloadDir: string;
  username: string;
  password: string;
}): string {
  return JSON.stringify(
    {
      'rpc-enabled': true,
      'rpc-bind-address': '127.0.0.1',
      'rpc-port': input.rpcPort,
      'rpc-authentication-required': true,
      'rpc-username': input.username,
      'rpc-password': input.password,
      'rpc-whitelist-enabled': true,
      'rpc-whitelist': '127.0.0.1,::1',
      'rpc-host-whitelist-enabled': false,
      'download-dir': input.downloadDir,
      'incomplete-dir-enabled': false,
      'watch-dir-enabled': false,
      'bind-address-ipv4': '127.0.0.1',
      'bind-address-ipv6': '::1',
      'peer-port': input.peerPort,
      'peer-port-random-on-start': false,
      'port-forwarding-enabled': false,
      'dht-enabled': false,
      'lpd-enabled': false,
      'pex-enabled': false,
      'utp-enabled': false,
      'blocklist-enabled': false,
      'ratio-limit-enabled': false,
      'idle-seeding-limit-enabled': false,
      'speed-limit-down-enabled': false,
      'speed-limit-up-enabled': false,
      'alt-speed-enabled': false,
      'download-queue-enabled': false,
      'seed-queue-enabled': false,
      'start-added-torrents': true,
      'cache-size-mb': 4,
      'message-level': 2,
    },
    null,
    2,
  );
}

export async function startTransmissionDaemon(): Promise<TransmissionDaemon> {
  const root = throwawayDir('transmission');
  const configDir = ensureDir(join(root, 'config'));
  const downloadDir = ensureDir(join(root, 'downloads'));
  const rpcPort = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${rpcPort}`;
  const rpcUrl = `${url}/transmission/rpc`;
  const username = 'tracker';
  const password = `pw-${randomBytes(8).toString('hex')}`;
  writeFileSync(
    join(configDir, 'settings.json'),
    settings({ rpcPort, peerPort, downloadDir, username, password }),
  );

  const launch = () =>
    startDaemon({
      name: 'transmission-daemon',
      command: 'transmission-daemon',
      args: ['-f', '-g', configDir, '--logfile', join(root, 'transmission.log')],
      logFile: join(root, 'stdout.log'),
      // Any answer (401 without credentials) means the RPC server is up.
      readyUrl: rpcUrl,
    });
  let daemon: RunningDaemon = await launch();
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  let sessionId = '';

  async function rpc(method: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const answer = await fetch(rpcUrl, {
        method: 'POST',
        headers: { Authorization: authorization, 'X-Transmission-Session-Id': sessionId },
        body: JSON.stringify({ method, arguments: args }),
      });
      const text = await answer.text();
      if (answer.status === 409) {
        sessionId = answer.headers.get('X-Transmission-Session-Id') ?? '';
        continue;
      }
      if (answer.status !== 200) throw new Error(`Transmission ${method}: HTTP ${answer.status} ${text}`);
      const body = JSON.parse(text) as { result: string; arguments?: Record<string, unknown> };
      if (body.result !== 'success') throw new Error(`Transmission ${method}: ${body.result}`);
      return body.arguments ?? {};
    }
    throw new Error(`Transmission ${method}: 409 twice`);
  }

  const ids = (hash: string) => [hash.toLowerCase()];

  return {
    url,
    username,
    password,
    peerPort,
    downloadDir,
    rpc,

    async addTorrent({ torrent, label, paused = false, downloadDir: dir, downloadLimitKBps }) {
      const limited = downloadLimitKBps !== undefined;
      const added = await rpc('torrent-add', {
        metainfo: torrent.toString('base64'),
        'download-dir': dir ?? downloadDir,
        paused: paused || limited,
      });
      const entry = added['torrent-added'] as { hashString?: string } | undefined;
      // `torrent-duplicate` when it is already there: tests must use a fresh torrent each time.
      if (!entry?.hashString) throw new Error(`Transmission torrent-add answered ${JSON.stringify(added)}`);
      const hash = entry.hashString;
      // 3.00 takes labels only through torrent-set (torrent-add learnt `labels` in 4.0).
      if (label !== undefined) await rpc('torrent-set', { ids: ids(hash), labels: [label] });
      if (limited) {
        await rpc('torrent-set', {
          ids: ids(hash),
          downloadLimited: true,
          downloadLimit: downloadLimitKBps,
        });
        if (!paused) await rpc('torrent-start', { ids: ids(hash) });
      }
      return { hash };
    },

    async start({ hash }) {
      await rpc('torrent-start', { ids: ids(hash) });
    },

    async remove({ hash, deleteData = false }) {
      await rpc('torrent-remove', { ids: ids(hash), 'delete-local-data': deleteData });
    },

    async get({ hash }) {
      const answer = await rpc('torrent-get', { ids: ids(hash), fields: RAW_FIELDS });
      const [torrent] = (answer.torrents ?? []) as Array<Record<string, unknown>>;
      if (!torrent) throw new Error(`Transmission has no torrent ${hash}`);
      return torrent;
    },

    async restart() {
      const count = async () => ((await rpc('torrent-get', { fields: ['id'] })).torrents as unknown[]).length;
      const before = await count();
      await daemon.stop();
      daemon = await launch();
      const deadline = Date.now() + 10_000;
      while ((await count()) < before) {
        if (Date.now() > deadline) throw new Error('Transmission did not load its torrents after a restart');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },

    async stop() {
      await daemon.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
