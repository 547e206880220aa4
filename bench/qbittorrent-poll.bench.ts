/**
 * qBittorrent poll cost (issue 3): 5,000 torrents of which 20 are downloading, polled the way the
 * poll job does (`sync/maindata` with the last rid) against a full `torrents/info` listing each cycle.
 * Between polls the 20 active torrents move on, as they would in 5 s. Figures: response bytes per
 * steady-state poll (what crosses the network, uncompressed) and the tracker's CPU time per poll
 * (request, JSON parse, merge, normalisation). Goal: incremental ≤ 1/20 of the bytes of a full poll.
 *
 * Knobs: BENCH_TORRENTS (5000), BENCH_ACTIVE (20), BENCH_POLLS (50).
 */
import { fork } from 'node:child_process';
import { cpuUsage } from 'node:process';
import { fileURLToPath } from 'node:url';
import { createQbittorrentDownloader } from '../src/integrations/qbittorrent/qbittorrent.client.js';
import type { FakeAnswer, FakeCommand } from './qbittorrent-fake.serve.js';

const TORRENTS = Number(process.env.BENCH_TORRENTS ?? 5_000);
const ACTIVE = Number(process.env.BENCH_ACTIVE ?? 20);
const POLLS = Number(process.env.BENCH_POLLS ?? 50);
const PATHS = { maindata: '/api/v2/sync/maindata', info: '/api/v2/torrents/info' };

/** The fake runs in a child process, so the CPU measured here is the tracker's side alone. */
const child = fork(
  fileURLToPath(new URL('./qbittorrent-fake.serve.ts', import.meta.url)),
  [String(TORRENTS), String(ACTIVE)],
  {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  },
);
let waiting: ((message: FakeAnswer) => void) | undefined;
child.on('message', (message: FakeAnswer) => waiting?.(message));
function ask(command: FakeCommand): Promise<FakeAnswer> {
  return new Promise((resolve) => {
    waiting = resolve;
    child.send(command);
  });
}
const { url } = (await ask({ kind: 'start' })) as { url: string };

type Measured = { bytesPerPoll: number; cpuMsPerPoll: number; items: number };

async function measure(label: keyof typeof PATHS, poll: () => Promise<unknown[]>): Promise<Measured> {
  let items = (await poll()).length; // first poll: login and, for maindata, the full snapshot
  await ask({ kind: 'resetTraffic' });
  let cpu = 0;
  for (let step = 1; step <= POLLS; step++) {
    await ask({ kind: 'advance', step });
    const before = cpuUsage();
    items = (await poll()).length;
    const used = cpuUsage(before);
    cpu += (used.user + used.system) / 1000;
  }
  const { traffic: all } = (await ask({ kind: 'traffic' })) as {
    traffic: Record<string, { requests: number; bytes: number }>;
  };
  const traffic = all[PATHS[label]] ?? { requests: 0, bytes: 0 };
  if (traffic.requests !== POLLS)
    throw new Error(`${label}: expected ${POLLS} requests, saw ${traffic.requests}`);
  return { bytesPerPoll: traffic.bytes / POLLS, cpuMsPerPoll: cpu / POLLS, items };
}

const incremental = createQbittorrentDownloader({ url, username: 'admin', password: 'adminadmin' });
const full = createQbittorrentDownloader({ url, username: 'admin', password: 'adminadmin' });
const inc = await measure('maindata', () => incremental.listItems());
const all = await measure('info', () => full.listItemsFull());
child.kill();

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
console.log(
  `qBittorrent poll, ${TORRENTS} torrents, ${ACTIVE} downloading, ${POLLS} steady-state polls each`,
);
console.log(
  `  full torrents/info:     ${kb(all.bytesPerPoll)} per poll, ${all.cpuMsPerPoll.toFixed(2)} ms CPU per poll`,
);
console.log(
  `  incremental maindata:   ${kb(inc.bytesPerPoll)} per poll, ${inc.cpuMsPerPoll.toFixed(2)} ms CPU per poll`,
);
const ratio = inc.bytesPerPoll / all.bytesPerPoll;
console.log(
  `  bytes ratio: 1/${(1 / ratio).toFixed(0)} (goal ≤ 1/20) ${ratio <= 1 / 20 ? 'MET' : 'NOT MET'}`,
);
console.log(`  CPU ratio:   1/${(all.cpuMsPerPoll / inc.cpuMsPerPoll).toFixed(1)}`);
if (inc.items !== TORRENTS || all.items !== TORRENTS) throw new Error('both polls must list every torrent');
