import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/daemons/daemon-process.js';
import type { DownloadItem } from '../downloader/downloader.js';
import { describeDownloaderContract } from '../downloader/downloader.test-suite.js';
import { IntegrationError } from '../shared/integration-error.js';
import type { ResilienceOptions } from '../shared/service-http.js';
import {
  createSabnzbdDownloader,
  parseSabTimeLeft,
  SABNZBD_HISTORY_LIMIT,
  SABNZBD_QUEUE_LIMIT,
  sabHistorySlotState,
  sabQueueSlotState,
} from './sabnzbd.client.js';
import { type SabnzbdFake, startSabnzbdFake } from './sabnzbd.fake.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

const FAST: ResilienceOptions = {
  timeoutMs: 2_000,
  maxAttempts: 1,
  initialBackoffMs: 10,
  maxBackoffMs: 10,
  breakAfter: 100,
  halfOpenAfterMs: 1_000,
};

describeDownloaderContract('SABnzbd fake', async () => {
  // Behind a reverse proxy prefix, as many SABnzbd installs are: the client must keep `/sabnzbd`.
  const fake = await startSabnzbdFake({ urlBase: '/sabnzbd' });
  const closedPort = await freePort();
  const connect = (apiKey: string, url = fake.url) =>
    createSabnzbdDownloader({ url, apiKey, resilience: FAST });
  return {
    downloader: connect(fake.apiKey),
    withWrongCredentials: () => connect('0123456789abcdef0123456789abcdef'),
    unreachable: () => connect(fake.apiKey, `http://127.0.0.1:${closedPort}/sabnzbd`),
    async addCompleted({ name, category }) {
      const sizeBytes = 734_003_217;
      return {
        arrId: fake.addHistorySlot({ name, category, status: 'Completed', bytes: sizeBytes }),
        sizeBytes,
      };
    },
    async addPaused({ name, category }) {
      // Whole MiB: the queue reports sizes as "%.2f" MiB, so this round-trips to the byte.
      const sizeBytes = 700 * MIB;
      return {
        arrId: fake.addQueueSlot({ name, category, status: 'Paused', sizeBytes, remainingBytes: sizeBytes }),
        sizeBytes,
      };
    },
    async remove(arrId) {
      fake.remove(arrId);
    },
    stop: () => fake.close(),
  };
});

describe('SABnzbd client quirks (against the fake)', () => {
  let fake: SabnzbdFake;
  let sab: ReturnType<typeof createSabnzbdDownloader>;

  beforeAll(async () => {
    fake = await startSabnzbdFake({ urlBase: '/sabnzbd' });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    sab = createSabnzbdDownloader({ url: fake.url, apiKey: fake.apiKey, resilience: FAST });
  });

  async function item(nzoId: string): Promise<DownloadItem> {
    const found = (await sab.listItems()).find((candidate) => candidate.clientId === nzoId);
    if (!found) throw new Error(`${nzoId} not listed`);
    return found;
  }

  async function raw(params: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${fake.url}/api?output=json&apikey=${fake.apiKey}&${params}`);
    return (await response.json()) as Record<string, unknown>;
  }

  it('lists in exactly two calls, queue and history, with explicit limits, under the proxy prefix', async () => {
    fake.addQueueSlot({ name: 'Two.Calls.A' });
    fake.addQueueSlot({ name: 'Two.Calls.B' });
    fake.addHistorySlot({ name: 'Two.Calls.C' });
    fake.calls.length = 0;
    await sab.listItems();
    expect(
      fake.calls.map((call) => [call.path, call.params.mode, call.params.limit, call.params.output]),
    ).toEqual(
      expect.arrayContaining([
        ['/sabnzbd/api', 'queue', String(SABNZBD_QUEUE_LIMIT), 'json'],
        ['/sabnzbd/api', 'history', String(SABNZBD_HISTORY_LIMIT), 'json'],
      ]),
    );
    expect(fake.calls).toHaveLength(2);
  });

  it('reads the queue numbers SABnzbd sends as strings', async () => {
    const nzoId = fake.addQueueSlot({
      name: 'Strings.Movie.2024',
      category: 'radarr',
      sizeBytes: 1_294_967_296,
      remainingBytes: 323_741_824,
    });
    const slot = ((await raw('mode=queue')).queue as { slots: Record<string, unknown>[] }).slots[0];
    expect(slot).toMatchObject({ mb: '1234.98', mbleft: '308.74', percentage: '75' });

    const listed = await item(nzoId);
    expect(listed.sizeBytes).toBeCloseTo(1_294_967_296, -4);
    expect(listed.remainingBytes).toBeCloseTo(323_741_824, -4);
    expect(listed.progress).toBe(0.75);
    expect(listed).toMatchObject({
      clientId: nzoId,
      arrId: nzoId,
      name: 'Strings.Movie.2024',
      uploadSpeed: 0,
    });
    expect(Number.isInteger(listed.sizeBytes) && Number.isInteger(listed.remainingBytes)).toBe(true);
  });

  it('turns H:MM:SS and D:HH:MM:SS time left into seconds, and 0:00:00 into null', async () => {
    fake.setSpeed(MIB);
    const soon = fake.addQueueSlot({ name: 'Eta.Soon', sizeBytes: 90 * MIB, remainingBytes: 90 * MIB });
    const later = fake.addQueueSlot({ name: 'Eta.Days', sizeBytes: 100 * GIB, remainingBytes: 100 * GIB });
    const slots = ((await raw('mode=queue')).queue as { slots: { timeleft: string }[] }).slots;
    // Time left counts the jobs ahead: (90 MiB + 100 GiB) at 1 MiB/s.
    expect(slots.map((slot) => slot.timeleft)).toEqual(['0:01:30', '1:04:28:10']);
    expect((await item(soon)).etaSeconds).toBe(90);
    expect((await item(later)).etaSeconds).toBe(90 + 102_400);

    const forced = fake.addQueueSlot({ name: 'Eta.Given', timeleft: '2:03:04:05' });
    expect((await item(forced)).etaSeconds).toBe(2 * 86_400 + 3 * 3_600 + 4 * 60 + 5);
    fake.setSpeed(0);
    expect((await item(soon)).etaSeconds).toBeNull();
  });

  it('reads the category from `cat` in the queue and `category` in history', async () => {
    const queued = fake.addQueueSlot({ name: 'Cat.Queue', category: 'sonarr' });
    const done = fake.addHistorySlot({ name: 'Cat.History', category: 'radarr' });
    const defaultCategory = fake.addQueueSlot({ name: 'Cat.Default' });
    const none = fake.addHistorySlot({ name: 'Cat.None', category: null });
    const queueSlot = ((await raw('mode=queue')).queue as { slots: Record<string, unknown>[] }).slots[0];
    const historySlot = ((await raw('mode=history&limit=1')).history as { slots: Record<string, unknown>[] })
      .slots[0];
    expect(queueSlot).toHaveProperty('cat');
    expect(queueSlot).not.toHaveProperty('category');
    expect(historySlot).toHaveProperty('category');
    expect(historySlot).not.toHaveProperty('cat');

    expect((await item(queued)).category).toBe('sonarr');
    expect((await item(done)).category).toBe('radarr');
    expect((await item(defaultCategory)).category).toBeNull();
    expect((await item(none)).category).toBeNull();
  });

  it('shows the jobs of a paused queue as paused, except a Force job', async () => {
    const normal = fake.addQueueSlot({
      name: 'Paused.Queue.Normal',
      sizeBytes: GIB,
      remainingBytes: GIB / 2,
    });
    const forced = fake.addQueueSlot({ name: 'Paused.Queue.Force', priority: 'Force' });
    fake.setSpeed(4 * MIB);
    expect((await item(normal)).state).toBe('downloading');

    fake.setQueuePaused(true);
    const slots = (await raw('mode=queue')).queue as { paused: boolean; slots: { status: string }[] };
    expect(slots.paused).toBe(true);
    expect(slots.slots.map((slot) => slot.status)).toEqual(['Queued', 'Downloading']);
    expect(await item(normal)).toMatchObject({ state: 'paused', downloadSpeed: 0, progress: 0.5 });
    expect(await item(forced)).toMatchObject({ state: 'downloading', downloadSpeed: 4 * MIB });
  });

  it('gives SABnzbd’s one global speed to the downloading jobs, split evenly', async () => {
    const first = fake.addQueueSlot({ name: 'Speed.A' });
    const second = fake.addQueueSlot({ name: 'Speed.B' });
    const paused = fake.addQueueSlot({ name: 'Speed.C', status: 'Paused' });
    fake.setSpeed(3 * MIB);
    const items = await sab.listItems();
    const speedOf = (id: string) => items.find((candidate) => candidate.clientId === id)?.downloadSpeed;
    expect([speedOf(first), speedOf(second), speedOf(paused)]).toEqual([1.5 * MIB, 1.5 * MIB, 0]);
  });

  it('maps grabbing, pre-check, propagation delay and par2 fetching', async () => {
    const grabbing = fake.addQueueSlot({ name: 'Grab', status: 'Grabbing', sizeBytes: 0, remainingBytes: 0 });
    const checking = fake.addQueueSlot({ name: 'Check', status: 'Checking' });
    const delayed = fake.addQueueSlot({ name: 'Delay', propagating: true });
    const fetching = fake.addQueueSlot({ name: 'Fetch', status: 'Fetching', remainingBytes: 10 * MIB });
    expect(
      await Promise.all([grabbing, checking, delayed, fetching].map(async (id) => (await item(id)).state)),
    ).toEqual(['metadata', 'checking', 'queued', 'downloading']);
    expect(await item(grabbing)).toMatchObject({ sizeBytes: 0, progress: 0 });
  });

  it('keeps a failed job failed with its fail_message, even the one Radarr only warns about', async () => {
    const nzoId = fake.addQueueSlot({ name: 'Failing.Show.S01E01', category: 'sonarr' });
    fake.moveToHistory({
      nzoId,
      status: 'Failed',
      failMessage: 'Unpacking failed, write error or disk is full?',
      completed: 1_767_225_600,
    });
    expect(await item(nzoId)).toMatchObject({
      state: 'failed',
      error: 'Unpacking failed, write error or disk is full?',
      category: 'sonarr',
      completedAt: '2026-01-01T00:00:00.000Z',
      contentPath: null,
      savePath: '/downloads/incomplete/Failing.Show.S01E01',
    });
  });

  it('treats a job in post-processing as checking until SABnzbd says Completed', async () => {
    const nzoId = fake.addQueueSlot({ name: 'Unpacking.Movie', category: 'radarr', sizeBytes: 2 * GIB });
    fake.moveToHistory({ nzoId, status: 'Extracting' });
    const history = (await raw('mode=history&limit=5')).history as { ppslots: number };
    expect(history.ppslots).toBe(1);
    expect(await item(nzoId)).toMatchObject({
      state: 'checking',
      progress: 1,
      remainingBytes: 0,
      sizeBytes: 2 * GIB,
      completedAt: null,
      contentPath: null,
      error: null,
    });

    fake.updateHistorySlot({ nzoId, status: 'Completed', completed: 1_767_225_600 });
    expect(await item(nzoId)).toMatchObject({
      state: 'completed',
      contentPath: '/downloads/complete/radarr/Unpacking.Movie',
      savePath: '/downloads/complete/radarr',
      completedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('lists a job once when it shows in both the queue and history', async () => {
    const nzoId = fake.addQueueSlot({ name: 'Both.Places' });
    fake.addHistorySlot({ nzoId, name: 'Both.Places', status: 'Verifying' });
    const items = (await sab.listItems()).filter((candidate) => candidate.clientId === nzoId);
    expect(items.map((candidate) => candidate.state)).toEqual(['checking']);
  });

  it('says unauthorized for a 403 with an empty body (api_warnings off), though mode=version answers', async () => {
    fake.setApiWarnings(false);
    const wrong = createSabnzbdDownloader({ url: fake.url, apiKey: 'not-the-key', resilience: FAST });
    const version = await fetch(`${fake.url}/api?mode=version&output=json`);
    expect(version.status).toBe(200);
    const refused = await fetch(`${fake.url}/api?mode=queue&output=json&apikey=not-the-key`);
    expect([refused.status, await refused.text()]).toEqual([403, '']);

    for (const attempt of [() => wrong.testConnection(), () => wrong.listItems()]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IntegrationError);
      expect((error as IntegrationError).kind).toBe('unauthorized');
    }
    const keyless = createSabnzbdDownloader({ url: fake.url, resilience: FAST });
    expect(((await keyless.testConnection().catch((e: unknown) => e)) as IntegrationError).kind).toBe(
      'unauthorized',
    );
  });

  it('says unauthorized for the 3.x refusal, HTTP 200 {"status": false, "error": "API Key Incorrect"}', async () => {
    fake.setAuthErrorStyle('json200');
    const wrong = createSabnzbdDownloader({ url: fake.url, apiKey: 'not-the-key', resilience: FAST });
    const error = (await wrong.listItems().catch((e: unknown) => e)) as IntegrationError;
    expect(error).toBeInstanceOf(IntegrationError);
    expect([error.kind, error.message]).toEqual([
      'unauthorized',
      expect.stringContaining('API Key Incorrect'),
    ]);
  });

  it('retries a 5xx and then succeeds', async () => {
    const retrying = createSabnzbdDownloader({
      url: fake.url,
      apiKey: fake.apiKey,
      resilience: { ...FAST, maxAttempts: 3 },
    });
    fake.respondNext({ status: 503, body: 'Service Unavailable', times: 2 });
    fake.calls.length = 0;
    await expect(retrying.testConnection()).resolves.toEqual({ version: fake.version });
    expect(fake.calls.map((call) => call.params.mode)).toEqual(['version', 'version', 'version', 'queue']);
  });

  it('gives up on a 5xx after its attempts as bad_response', async () => {
    fake.respondNext({ status: 502, body: '<html>Bad Gateway</html>', times: 1 });
    const error = (await sab.testConnection().catch((e: unknown) => e)) as IntegrationError;
    expect([error.kind, error.status]).toEqual(['bad_response', 502]);
  });

  it('says bad_response for a 200 that is not JSON (a proxy’s login page)', async () => {
    fake.respondNext({ status: 200, body: '<!doctype html><title>Login</title>', contentType: 'text/html' });
    const error = (await sab.listItems().catch((e: unknown) => e)) as IntegrationError;
    expect(error).toBeInstanceOf(IntegrationError);
    expect(error.kind).toBe('bad_response');
  });

  it('says bad_response for JSON that is not a SABnzbd answer', async () => {
    fake.respondNext({ status: 200, body: '{"queue": {"slots": "none"}}', contentType: 'application/json' });
    fake.respondNext({ status: 200, body: '{"history": {"slots": []}}', contentType: 'application/json' });
    const error = (await sab.listItems().catch((e: unknown) => e)) as IntegrationError;
    expect(error.kind).toBe('bad_response');
  });
});

describe('SABnzbd state mapping', () => {
  it.each([
    ['Queued', false, 'queued'],
    ['Idle', false, 'queued'],
    ['Propagating', false, 'queued'],
    ['Downloading', false, 'downloading'],
    ['Fetching', false, 'downloading'],
    ['Grabbing', false, 'metadata'],
    ['Checking', false, 'checking'],
    ['Paused', false, 'paused'],
    ['SomethingNew', false, 'queued'],
    ['Queued', true, 'paused'],
    ['Downloading', true, 'paused'],
    ['Checking', true, 'checking'],
    ['Grabbing', true, 'metadata'],
  ] as const)('queue %s (queue paused: %s) → %s', (status, queuePaused, state) => {
    expect(sabQueueSlotState({ status, priority: 'Normal', queuePaused })).toBe(state);
  });

  it('lets a Force job download in a paused queue', () => {
    expect(sabQueueSlotState({ status: 'Downloading', priority: 'Force', queuePaused: true })).toBe(
      'downloading',
    );
  });

  it.each([
    ['Completed', 'completed'],
    ['Failed', 'failed'],
    ['QuickCheck', 'checking'],
    ['Verifying', 'checking'],
    ['Repairing', 'checking'],
    ['Extracting', 'checking'],
    ['Moving', 'checking'],
    ['Running', 'checking'],
    ['Queued', 'checking'],
  ] as const)('history %s → %s', (status, state) => {
    expect(sabHistorySlotState(status)).toBe(state);
  });

  it.each([
    ['0:00:00', null],
    ['0:00:59', 59],
    ['12:34:56', 45_296],
    ['1:00:00:00', 86_400],
    ['10:23:59:59', 10 * 86_400 + 86_399],
    ['unknown', null],
    ['', null],
    [undefined, null],
  ] as const)('timeleft %s → %s', (text, seconds) => {
    expect(parseSabTimeLeft(text)).toBe(seconds);
  });
});
