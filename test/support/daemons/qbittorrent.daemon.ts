/**
 * A real qbittorrent-nox (Debian 12: 4.5.2, WebAPI 2.8.19) with a throwaway profile, for integration
 * and end-to-end tests. The config is written before the first start (real-clients.md §2): WebUI and
 * peers on 127.0.0.1/lo with free ports, DHT/LSD/PeX/UPnP off, queueing off, localhost auth on so
 * credentials are really checked, and a ban policy (1000 failures, 1 s) that a wrong-password test
 * cannot trip. The driver operations talk to the WebAPI themselves, independent of the client under
 * test.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir, freePort, type RunningDaemon, startDaemon, throwawayDir } from './daemon-process.js';

export interface QbittorrentDaemon {
  /** WebUI base URL, `http://127.0.0.1:<port>`. */
  url: string;
  username: string;
  password: string;
  /** BitTorrent listen port on 127.0.0.1 (for another client's `addPeer`). */
  peerPort: number;
  /** Default save path; torrents added without `savePath` look for their data here. */
  downloadDir: string;
  /**
   * Adds a .torrent (multipart `torrents/add`, `autoTMM=false`, save path `savePath` or
   * `downloadDir`), so data written there by `makeTorrent({ writeTo })` is found and checked.
   */
  addTorrent(input: {
    torrent: Buffer;
    category?: string;
    paused?: boolean;
    savePath?: string;
    /** Bytes per second. */
    downloadLimitBytesPerSecond?: number;
  }): Promise<void>;
  /** `torrents/addPeers`: makes qBittorrent dial `peer` ("127.0.0.1:port") for that torrent. */
  addPeer(input: { hash: string; peer: string }): Promise<void>;
  remove(input: { hash: string; deleteFiles?: boolean }): Promise<void>;
  /**
   * Stops and starts qbittorrent-nox on the same profile and ports: torrents stay, every WebUI
   * session is gone (what a client sees when qBittorrent restarts).
   */
  restart(): Promise<void>;
  /** Stops the daemon and deletes its profile and downloads. */
  stop(): Promise<void>;
}

/** `WebUI\Password_PBKDF2`: PBKDF2-HMAC-SHA512, 100000 iterations, 16-byte salt, 64-byte key. */
function passwordHash(password: string): string {
  const salt = randomBytes(16);
  const key = pbkdf2Sync(password, salt, 100_000, 64, 'sha512');
  return `"@ByteArray(${salt.toString('base64')}:${key.toString('base64')})"`;
}

function config(input: {
  webPort: number;
  peerPort: number;
  downloadDir: string;
  username: string;
  password: string;
}): string {
  return `[LegalNotice]
Accepted=true

[BitTorrent]
Session\\DHTEnabled=false
Session\\LSDEnabled=false
Session\\PeXEnabled=false
Session\\Port=${input.peerPort}
Session\\Interface=lo
Session\\InterfaceName=lo
Session\\InterfaceAddress=127.0.0.1
Session\\MultiConnectionsPerIp=true
Session\\DefaultSavePath=${input.downloadDir}
Session\\TempPathEnabled=false
Session\\QueueingSystemEnabled=false
Session\\AddTorrentPaused=false

[Network]
PortForwardingEnabled=false

[Preferences]
Connection\\ResolvePeerCountries=false
General\\Locale=en
WebUI\\Enabled=true
WebUI\\Address=127.0.0.1
WebUI\\Port=${input.webPort}
WebUI\\Username=${input.username}
WebUI\\Password_PBKDF2=${passwordHash(input.password)}
WebUI\\LocalHostAuth=true
WebUI\\UseUPnP=false
WebUI\\CSRFProtection=true
WebUI\\HostHeaderValidation=true
WebUI\\MaxAuthenticationFailCount=1000
WebUI\\BanDuration=1
`;
}

export async function startQbittorrentDaemon(): Promise<QbittorrentDaemon> {
  const root = throwawayDir('qbittorrent');
  const profile = join(root, 'profile');
  const downloadDir = ensureDir(join(root, 'downloads'));
  const webPort = await freePort();
  const peerPort = await freePort();
  const url = `http://127.0.0.1:${webPort}`;
  const username = 'admin';
  const password = `pw-${randomBytes(8).toString('hex')}`;
  writeFileSync(
    join(ensureDir(join(profile, 'qBittorrent', 'config')), 'qBittorrent.conf'),
    config({ webPort, peerPort, downloadDir, username, password }),
  );

  const launch = () =>
    startDaemon({
      name: 'qbittorrent-nox',
      command: 'qbittorrent-nox',
      args: [`--profile=${profile}`],
      logFile: join(root, 'stdout.log'),
      readyUrl: `${url}/api/v2/app/version`,
    });
  let daemon: RunningDaemon = await launch();
  let cookie = '';

  async function login(): Promise<void> {
    const answer = await fetch(`${url}/api/v2/auth/login`, {
      method: 'POST',
      headers: { Referer: url },
      body: new URLSearchParams({ username, password }),
    });
    const text = await answer.text();
    const sid = answer.headers.getSetCookie()[0]?.split(';')[0];
    if (text !== 'Ok.' || !sid)
      throw new Error(`qBittorrent test login failed: HTTP ${answer.status} ${text}`);
    cookie = sid;
  }

  /** A WebAPI POST as the test driver; logs in (again) on 403. */
  async function post(path: string, body: URLSearchParams | FormData): Promise<string> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (!cookie) await login();
      const answer = await fetch(`${url}/api/v2/${path}`, {
        method: 'POST',
        headers: { Cookie: cookie },
        body,
      });
      const text = await answer.text();
      if (answer.status === 403) {
        cookie = '';
        continue;
      }
      if (answer.status !== 200) throw new Error(`qBittorrent ${path}: HTTP ${answer.status} ${text}`);
      return text;
    }
    throw new Error(`qBittorrent ${path}: 403 after a fresh login`);
  }

  return {
    url,
    username,
    password,
    peerPort,
    downloadDir,
    async addTorrent({ torrent, category, paused, savePath, downloadLimitBytesPerSecond }) {
      const form = new FormData();
      form.append('torrents', new Blob([torrent], { type: 'application/x-bittorrent' }), 'test.torrent');
      form.append('autoTMM', 'false');
      form.append('savepath', savePath ?? downloadDir);
      if (category) form.append('category', category);
      if (paused) {
        form.append('paused', 'true'); // 4.x
        form.append('stopped', 'true'); // 5.x
      }
      if (downloadLimitBytesPerSecond !== undefined)
        form.append('dlLimit', String(downloadLimitBytesPerSecond));
      const text = await post('torrents/add', form);
      // `Fails.` when the torrent is already there: tests must use a fresh torrent each time.
      if (text.trim() !== 'Ok.') throw new Error(`qBittorrent torrents/add answered ${JSON.stringify(text)}`);
    },
    async addPeer({ hash, peer }) {
      const text = await post(
        'torrents/addPeers',
        new URLSearchParams({ hashes: hash.toLowerCase(), peers: peer }),
      );
      const result = (JSON.parse(text) as Record<string, { added: number; failed: number }>)[
        hash.toLowerCase()
      ];
      if (!result || result.added < 1) throw new Error(`qBittorrent torrents/addPeers answered ${text}`);
    },
    async remove({ hash, deleteFiles = false }) {
      await post(
        'torrents/delete',
        new URLSearchParams({ hashes: hash.toLowerCase(), deleteFiles: String(deleteFiles) }),
      );
    },
    async restart() {
      await daemon.stop();
      cookie = '';
      daemon = await launch();
    },
    async stop() {
      await daemon.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
