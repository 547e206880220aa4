/**
 * Webhook ingest benchmark (`npm run bench`): the tracker's POST /hooks/radarr (auth, JSON parse,
 * schema check, durable group-committed insert, 202) against a bare Fastify route on the same
 * machine, same load. Goal (issue 2): ≥ 40 % of the bare route's throughput, p99 < 25 ms.
 *
 * Knobs: BENCH_DURATION (seconds per run, default 10), BENCH_CONNECTIONS (default 20),
 * BENCH_NO_WORKER=1 (pause the inbox worker: the door alone). Figures are in docs/benchmarks.md.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const TOKEN = 'bench-webhook-token-0123456789';

function grabBody(n: number): string {
  const hash = n.toString(16).padStart(40, '0').toUpperCase();
  return JSON.stringify({
    movie: {
      id: 1000 + n,
      title: `Bench Movie ${n}`,
      year: 2020,
      releaseDate: '2020-01-01',
      folderPath: `/data/movies/Bench Movie ${n} (2020)`,
      tmdbId: 500000 + n,
      imdbId: `tt${9000000 + n}`,
      genres: ['Drama'],
      images: [],
      tags: [],
    },
    remoteMovie: { tmdbId: 500000 + n, title: `Bench Movie ${n}`, year: 2020 },
    release: {
      quality: 'Bluray-1080p',
      qualityVersion: 1,
      releaseTitle: `Bench.Movie.${n}.2020.1080p.BluRay.x264-GRP`,
      indexer: 'Bench Indexer',
      size: 8_000_000_000,
      customFormatScore: 0,
      customFormats: [],
      languages: [{ id: 1, name: 'English' }],
      indexerFlags: [],
    },
    downloadClient: 'qBittorrent',
    downloadClientType: 'qBittorrent',
    downloadId: hash,
    customFormatInfo: { customFormats: [], customFormatScore: 0 },
    eventType: 'Grab',
    instanceName: 'Radarr',
    applicationUrl: '',
  });
}

async function startServer(mode: 'tracker' | 'bare'): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./serve.ts', import.meta.url)), [mode], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /PORT (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, port };
}

async function load(port: number): Promise<autocannon.Result> {
  let n = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        path: '/hooks/radarr',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        setupRequest: (request) => ({ ...request, body: grabBody(n++) }),
      },
    ],
  });
}

function summary(name: string, r: autocannon.Result) {
  return {
    name,
    requestsPerSecond: Math.round(r.requests.average),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    total: r.requests.total,
  };
}

const bare = await startServer('bare');
await load(bare.port); // warm-up of the load generator itself
const bareResult = summary('bare fastify route', await load(bare.port));
bare.child.kill();

const tracker = await startServer('tracker');
const trackerResult = summary('tracker POST /hooks/radarr', await load(tracker.port));
const drained = await new Promise<{ drainedMs: number; processed: number }>((resolve) => {
  tracker.child.once('message', (m) => resolve(m as { drainedMs: number; processed: number }));
  tracker.child.send('drain');
});
tracker.child.kill();

console.table([bareResult, trackerResult]);
const ratio = trackerResult.requestsPerSecond / bareResult.requestsPerSecond;
console.log(`throughput ratio tracker/bare: ${(ratio * 100).toFixed(1)} % (goal ≥ 40 %)`);
console.log(`tracker p99: ${trackerResult.p99Ms} ms (goal < 25 ms)`);
console.log(
  `worker: ${drained.processed} webhooks applied; backlog drained ${drained.drainedMs} ms after the load stopped`,
);
