/**
 * Jellyfin verification cost: per-item searches versus a provider-id index, measured against the
 * Jellyfin API fake (src/integrations/jellyfin/jellyfin-api.fake.ts) through the real client.
 *
 * Run: npx tsx bench/jellyfin-verify.bench.ts [library sizes...]   (default 1000 10000 50000)
 *
 * The workload of one verify cycle: 100 requests wait for Jellyfin (60 movies, 40 series waiting for
 * season 1). Each cycle looks every one of them up (`findMovie`, or `findSeries` and then `episodes`
 * for a series that was found); 10 of them were imported since the previous cycle, the other 90 are
 * not in Jellyfin yet. A third of the imported titles carry a name that differs from the *arr's
 * (punctuation, a leading article). Found requests stop waiting and new ones take their place, so
 * 100 wait in every cycle. The library has N Movies and Series (70 % movies); cycles are 30 s apart
 * on the fake's clock; lookups run 8 at a time.
 *
 * Printed per library size and strategy: Jellyfin HTTP calls and response bytes of each cycle (the
 * index's first cycle includes the full listing), how many requests were found, and the cost per
 * cycle averaged over 6 h of 30 s cycles with one full listing (the index's default rebuild period).
 */
import {
  createJellyfinClient,
  createJellyfinLibrary,
  type JellyfinLibrary,
  type JellyfinLookupStrategy,
} from '../src/integrations/jellyfin/jellyfin.client.js';
import {
  type JellyfinApiFake,
  startJellyfinApiFake,
} from '../src/integrations/jellyfin/jellyfin-api.fake.js';
import type { ResilienceOptions } from '../src/integrations/shared/service-http.js';

const SIZES = process.argv.slice(2).map(Number).filter(Number.isFinite);
const LIBRARY_SIZES = SIZES.length > 0 ? SIZES : [1_000, 10_000, 50_000];
const WAITING = 100;
const WAITING_MOVIES = 60;
const IMPORTED_PER_CYCLE = 10;
const CYCLES = 3;
const CONCURRENCY = 8;
const CYCLE_MS = 30_000;
const CYCLES_PER_FULL_LISTING = (6 * 60 * 60 * 1000) / CYCLE_MS;
const RESILIENCE: ResilienceOptions = {
  timeoutMs: 60_000,
  maxAttempts: 1,
  initialBackoffMs: 10,
  maxBackoffMs: 10,
  breakAfter: 1_000,
  halfOpenAfterMs: 1_000,
};

const WORDS = `amber arrow autumn beacon bitter blade blue bound breaking bridge broken burning canyon carbon
city cold copper crimson crown dancing dark dawn dead deep desert distant dragon dream drift dust echo
edge empire ember falling fallen far fire first flame forest forgotten fox frozen garden ghost glass
golden grand gray harbor heart hidden hollow honor house hunter iron island jade journey keeper king
lake last legacy light lion lonely long lost lucky machine midnight mirror moon mountain night noble
north ocean orchard paper past phantom pirate promise quiet rain raven red river road rose ruin run
salt sand scarlet secret shadow shattered signal silent silver sky small smoke snow song sparrow
spring star steel stone storm strange summer sun sword tale thunder tide time tower train twilight
under valley velvet violet voice walking war water west white wild willow wind winter wolf world
young`.split(/\s+/);

/** A small deterministic generator, so both strategies see the same library. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Request {
  kind: 'movie' | 'series';
  /** As the *arr has it. */
  title: string;
  /** As Jellyfin will name it. */
  jellyfinName: string;
  year: number;
  tmdbId: number;
  tvdbId: number;
  imdbId: string;
}

interface World {
  fake: JellyfinApiFake;
  clock: { now: number };
  waiting: Request[];
  upcoming: Request[];
}

async function buildWorld(size: number): Promise<World> {
  const rand = random(size);
  const pick = () => WORDS[Math.floor(rand() * WORDS.length)] ?? 'lost';
  const title = () => {
    const words = Array.from({ length: 1 + Math.floor(rand() * 3) }, pick);
    const text = words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join(' ');
    return rand() < 0.15 ? `The ${text}` : text;
  };
  const clock = { now: Date.parse('2026-03-01T12:00:00Z') - 24 * 60 * 60 * 1000 };
  const fake = await startJellyfinApiFake({ now: () => new Date(clock.now) });
  let nextId = 1;
  for (let i = 0; i < size; i++) {
    const id = nextId++;
    const name = title();
    const year = 1950 + Math.floor(rand() * 76);
    if (rand() < 0.7) {
      fake.addMovie({ name, year, tmdbId: 100_000 + id, imdbId: `tt${9_000_000 + id}` });
    } else {
      fake.addSeries({
        name,
        year,
        tvdbId: 300_000 + id,
        tmdbId: 100_000 + id,
        imdbId: `tt${9_000_000 + id}`,
      });
    }
  }
  const request = (kind: Request['kind']): Request => {
    const id = nextId++;
    const base = title();
    const subtitle = pick();
    const full = `${base}: ${subtitle[0]?.toUpperCase()}${subtitle.slice(1)}`;
    const variant = rand();
    // A third of the titles differ between the *arr and Jellyfin.
    const jellyfinName =
      variant < 0.17 ? full.replace(': ', ' - ') : variant < 0.33 ? full.replace(/^The /, '') : full;
    return {
      kind,
      title: full,
      jellyfinName,
      year: 1990 + Math.floor(rand() * 36),
      tmdbId: 100_000 + id,
      tvdbId: 300_000 + id,
      imdbId: `tt${9_000_000 + id}`,
    };
  };
  const waiting = Array.from({ length: WAITING }, (_, i) => request(i < WAITING_MOVIES ? 'movie' : 'series'));
  const upcoming = Array.from({ length: WAITING * CYCLES }, (_, i) =>
    request(i % WAITING < WAITING_MOVIES ? 'movie' : 'series'),
  );
  clock.now += 24 * 60 * 60 * 1000;
  return { fake, clock, waiting, upcoming };
}

/** Jellyfin gets the first `IMPORTED_PER_CYCLE` waiting requests, 6 movies and 4 series. */
function importSome(world: World): void {
  const movies = world.waiting.filter((request) => request.kind === 'movie').slice(0, 6);
  const series = world.waiting.filter((request) => request.kind === 'series').slice(0, 4);
  for (const request of [...movies, ...series].slice(0, IMPORTED_PER_CYCLE)) {
    if (request.kind === 'movie') {
      world.fake.addMovie({
        name: request.jellyfinName,
        year: request.year,
        tmdbId: request.tmdbId,
        imdbId: request.imdbId,
      });
    } else {
      const show = world.fake.addSeries({
        name: request.jellyfinName,
        year: request.year,
        tvdbId: request.tvdbId,
        tmdbId: request.tmdbId,
        imdbId: request.imdbId,
      });
      for (let episode = 1; episode <= 8; episode++) {
        world.fake.addEpisode({ seriesId: show.id, seasonNumber: 1, episodeNumber: episode });
      }
    }
  }
}

/** Lookups run `CONCURRENCY` at a time, as a job would pace them. */
async function verifyCycle(library: JellyfinLibrary, waiting: Request[]): Promise<Set<Request>> {
  const found = new Set<Request>();
  const queue = [...waiting];
  const worker = async () => {
    for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
      if (request.kind === 'movie') {
        if (await library.findMovie(request)) found.add(request);
        continue;
      }
      const series = await library.findSeries(request);
      if (!series) continue;
      const episodes = await library.episodes({ seriesId: series.id, seasonNumber: 1 });
      if (episodes.length > 0) found.add(request);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return found;
}

interface CycleCost {
  calls: number;
  bytes: number;
  found: number;
}

async function run(size: number, strategy: JellyfinLookupStrategy): Promise<CycleCost[]> {
  const world = await buildWorld(size);
  try {
    const client = createJellyfinClient({
      url: world.fake.url,
      apiKey: world.fake.apiKey,
      resilience: RESILIENCE,
    });
    const library = createJellyfinLibrary({ client, strategy, now: () => new Date(world.clock.now) });
    const costs: CycleCost[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      importSome(world);
      world.fake.clearCalls();
      const found = await verifyCycle(library, world.waiting);
      costs.push({ ...world.fake.traffic(), found: found.size });
      world.waiting = [
        ...world.waiting.filter((request) => !found.has(request)),
        ...world.upcoming.splice(0, found.size),
      ];
      world.clock.now += CYCLE_MS;
    }
    return costs;
  } finally {
    await world.fake.close();
  }
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  console.log(
    `verify cycle: ${WAITING} waiting (${WAITING_MOVIES} movies, ${WAITING - WAITING_MOVIES} series), ` +
      `${IMPORTED_PER_CYCLE} imported since the last cycle; cycles ${CYCLE_MS / 1000} s apart\n`,
  );
  console.log(
    'library  strategy  cycle 1 (cold)              cycle 2                     cycle 3                     avg/cycle over 6 h',
  );
  for (const size of LIBRARY_SIZES) {
    for (const strategy of ['search', 'index'] as const) {
      const costs = await run(size, strategy);
      const cells = costs.map(
        (cost) =>
          `${String(cost.calls).padStart(4)} calls ${kib(cost.bytes).padStart(11)} ${String(cost.found).padStart(2)} found`,
      );
      const [first, ...rest] = costs;
      const steady = rest.reduce((sum, cost) => sum + cost.bytes, 0) / Math.max(1, rest.length);
      const steadyCalls = rest.reduce((sum, cost) => sum + cost.calls, 0) / Math.max(1, rest.length);
      const n = CYCLES_PER_FULL_LISTING;
      const avgBytes = ((first?.bytes ?? 0) + (n - 1) * steady) / n;
      const avgCalls = ((first?.calls ?? 0) + (n - 1) * steadyCalls) / n;
      console.log(
        `${String(size).padStart(7)}  ${strategy.padEnd(8)}  ${cells.join('  ')}  ${avgCalls.toFixed(1).padStart(6)} calls ${kib(avgBytes).padStart(11)}`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
