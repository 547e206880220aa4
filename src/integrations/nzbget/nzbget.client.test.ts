import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/support/daemons/daemon-process.js';
import type { DownloadItem } from '../downloader/downloader.js';
import { describeDownloaderContract } from '../downloader/downloader.test-suite.js';
import { integrationFailure as failure } from '../shared/integration-error.test-utils.js';
import type { ResilienceOptions } from '../shared/service-http.js';
import { createNzbgetDownloader } from './nzbget.client.js';
import { type NzbgetFake, type NzbgetFakeOptions, nzbgetSizeFields, startNzbgetFake } from './nzbget.fake.js';

const RESILIENCE: ResilienceOptions = {
  timeoutMs: 2_000,
  maxAttempts: 3,
  initialBackoffMs: 5,
  maxBackoffMs: 10,
  breakAfter: 100,
  halfOpenAfterMs: 1_000,
};
const USER = 'nzbget';
const PASSWORD = 'fake-secret';
const GiB = 2 ** 30;

function connect(url: string, password = PASSWORD) {
  return createNzbgetDownloader({ url, username: USER, password, resilience: RESILIENCE });
}

const drone = () => randomBytes(16).toString('hex');

describeDownloaderContract('NZBGet fake', async () => {
  const fake = await startNzbgetFake({ username: USER, password: PASSWORD });
  const deadPort = await freePort();
  return {
    downloader: connect(fake.url),
    withWrongCredentials: () => connect(fake.url, 'wrong'),
    unreachable: () =>
      createNzbgetDownloader({
        url: `http://127.0.0.1:${deadPort}`,
        username: USER,
        password: PASSWORD,
        resilience: { ...RESILIENCE, maxAttempts: 1 },
      }),
    async addCompleted({ name, category }) {
      const arrId = drone();
      fake.addHistory({ name, category, sizeBytes: 3_000_000, drone: arrId });
      return { arrId, sizeBytes: 3_000_000 };
    },
    async addPaused({ name, category }) {
      const arrId = drone();
      fake.addGroup({ name, category, sizeBytes: 2_000_000, paused: true, drone: arrId });
      return { arrId, sizeBytes: 2_000_000 };
    },
    async remove(arrId) {
      fake.remove(fake.nzbIdOf(arrId) ?? -1);
    },
    stop: () => fake.close(),
  };
});

describe('NZBGet client quirks (against the fake)', () => {
  let fake: NzbgetFake;
  async function restart(options: NzbgetFakeOptions = {}): Promise<void> {
    await fake.close();
    fake = await startNzbgetFake({ username: USER, password: PASSWORD, ...options });
  }
  beforeEach(async () => {
    fake = await startNzbgetFake({ username: USER, password: PASSWORD });
  });
  afterEach(async () => {
    await fake.close();
  });

  const list = () => connect(fake.url).listItems();
  async function itemOf(nzbId: number): Promise<DownloadItem | undefined> {
    return (await list()).find((item) => item.clientId === String(nzbId));
  }

  describe('JSON-RPC transport', () => {
    it('lists with three positional calls, whatever the number of downloads', async () => {
      for (let i = 0; i < 5; i += 1) fake.addGroup({ name: `Queued.${i}` });
      for (let i = 0; i < 5; i += 1) fake.addHistory({ name: `Done.${i}` });
      const items = await list();
      expect(items).toHaveLength(10);
      expect(fake.calls.map(({ path, method, params }) => ({ path, method, params }))).toEqual(
        expect.arrayContaining([
          { path: '/jsonrpc', method: 'listgroups', params: [0] },
          { path: '/jsonrpc', method: 'history', params: [false] },
          { path: '/jsonrpc', method: 'status', params: [] },
        ]),
      );
      expect(fake.calls).toHaveLength(3);
    });

    it('sends HTTP Basic auth; NZBGet answers 401 to a wrong password: unauthorized', async () => {
      await expect(connect(fake.url).testConnection()).resolves.toEqual({ version: '21.0' });
      const error = await failure(connect(fake.url, 'wrong').testConnection());
      expect(error.kind).toBe('unauthorized');
      expect(error.status).toBe(401);
      expect((await failure(connect(fake.url, 'wrong').listItems())).kind).toBe('unauthorized');
    });

    it("asks for one connection per call (NZBGet 21's keep-alive breaks after a 401)", async () => {
      await list();
      await connect(fake.url).testConnection();
      expect(fake.calls).toHaveLength(5);
      expect(new Set(fake.calls.map((call) => call.connection))).toEqual(new Set(['close']));
    });

    it("tells NZBGet's add-only user apart: version works, the queue is denied (unauthorized)", async () => {
      await restart({ addUser: { username: 'adder', password: 'add-secret' } });
      const client = createNzbgetDownloader({
        url: fake.url,
        username: 'adder',
        password: 'add-secret',
        resilience: RESILIENCE,
      });
      const error = await failure(client.testConnection());
      expect(error.kind).toBe('unauthorized');
      expect(error.message).toMatch(/only add downloads/);
      expect((await failure(client.listItems())).kind).toBe('unauthorized');
    });

    it('turns a JSON-RPC error object into bad_response with its message', async () => {
      fake.failNext({ method: 'history', rpcError: 'Invalid parameter (NumberOfLines)' });
      const error = await failure(list());
      expect(error.kind).toBe('bad_response');
      expect(error.message).toContain('Invalid parameter (NumberOfLines)');
    });

    it('retries a 5xx and then succeeds', async () => {
      fake.failNext({ method: 'version', status: 503 });
      await expect(connect(fake.url).testConnection()).resolves.toEqual({ version: '21.0' });
      expect(fake.calls.filter((call) => call.method === 'version')).toHaveLength(2);
    });

    it('gives up on a 5xx that lasts, as bad_response', async () => {
      fake.failNext({ method: 'version', status: 502, count: 10 });
      const error = await failure(connect(fake.url).testConnection());
      expect(error.kind).toBe('bad_response');
      expect(fake.calls.filter((call) => call.method === 'version')).toHaveLength(RESILIENCE.maxAttempts);
    });

    it('keeps a reverse-proxy path prefix, and a wrong path is a bad_response', async () => {
      await restart({ basePath: '/nzbget' });
      expect(fake.url).toMatch(/\/nzbget$/);
      await expect(connect(fake.url).testConnection()).resolves.toEqual({ version: '21.0' });
      await expect(connect(`${fake.url}/`).listItems()).resolves.toEqual([]);
      expect(new Set(fake.calls.map((call) => call.path))).toEqual(new Set(['/nzbget/jsonrpc']));
      const error = await failure(connect(fake.url.replace(/\/nzbget$/, '')).testConnection());
      expect(error.kind).toBe('bad_response');
      expect(error.status).toBe(400);
    });
  });

  describe('ids', () => {
    it('uses the `drone` parameter as arrId and the NZBID as clientId', async () => {
      const id = drone();
      const group = fake.addGroup({ name: 'Movie.2024', drone: id });
      expect(await itemOf(group.NZBID)).toMatchObject({ arrId: id, clientId: String(group.NZBID) });
    });

    it('falls back to the NZBID as text when there is no drone parameter', async () => {
      const group = fake.addGroup({ name: 'Added.By.Hand' });
      const done = fake.addHistory({ name: 'Done.By.Hand' });
      expect((await itemOf(group.NZBID))?.arrId).toBe(String(group.NZBID));
      expect((await itemOf(done.NZBID))?.arrId).toBe(String(done.NZBID));
    });

    it('reads the drone parameter that Radarr\'s append (`["drone", id]`) leaves', async () => {
      const id = drone();
      const nzb =
        '<nzb><file><segments><segment bytes="1000" number="1">a@b</segment></segments></file></nzb>';
      const answer = await fetch(`${fake.url}/jsonrpc`, {
        method: 'POST',
        headers: { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}` },
        body: JSON.stringify({
          method: 'append',
          params: [
            'Radarr.Grab.nzb',
            Buffer.from(nzb).toString('base64'),
            'radarr',
            0,
            false,
            false,
            '',
            0,
            'SCORE',
            ['drone', id],
          ],
          id: 1,
        }),
      });
      const { result } = (await answer.json()) as { result: number };
      expect(await itemOf(result)).toMatchObject({
        arrId: id,
        name: 'Radarr.Grab',
        category: 'radarr',
        sizeBytes: 1000,
      });
    });
  });

  describe('sizes', () => {
    it('joins Lo/Hi pairs above 4 GiB and ignores the whole-MB fields', async () => {
      const size = 5 * GiB + 12_345;
      const remaining = 4.5 * GiB;
      const group = fake.addGroup({
        name: 'Big.Remux',
        sizeBytes: size,
        remainingBytes: remaining,
        status: 'DOWNLOADING',
      });
      expect(group.FileSizeHi).toBe(1);
      const item = await itemOf(group.NZBID);
      expect(item?.sizeBytes).toBe(size);
      expect(item?.remainingBytes).toBe(remaining);
      expect(item?.progress).toBeCloseTo(1 - remaining / size, 9);

      const done = fake.addHistory({ name: 'Big.Done', sizeBytes: 9 * GiB + 1 });
      expect((await itemOf(done.NZBID))?.sizeBytes).toBe(9 * GiB + 1);
    });

    it('leaves paused par2 files out of progress and remaining bytes', async () => {
      // 900 kB of data (300 kB left) plus 100 kB of par2 files NZBGet holds in reserve.
      const group = fake.addGroup({
        name: 'With.Pars',
        sizeBytes: 1_000_000,
        remainingBytes: 400_000,
        pausedBytes: 100_000,
        status: 'DOWNLOADING',
      });
      const item = await itemOf(group.NZBID);
      expect(item).toMatchObject({ state: 'downloading', sizeBytes: 1_000_000, remainingBytes: 300_000 });
      expect(item?.progress).toBeCloseTo(600_000 / 900_000, 9);
    });
  });

  describe('queue statuses', () => {
    const cases: Array<[string, DownloadItem['state']]> = [
      ['QUEUED', 'queued'],
      ['PAUSED', 'paused'],
      ['DOWNLOADING', 'downloading'],
      ['FETCHING', 'metadata'],
      ['PP_QUEUED', 'checking'],
      ['LOADING_PARS', 'checking'],
      ['VERIFYING_SOURCES', 'checking'],
      ['REPAIRING', 'checking'],
      ['VERIFYING_REPAIRED', 'checking'],
      ['RENAMING', 'checking'],
      ['UNPACKING', 'checking'],
      ['MOVING', 'checking'],
      ['POST_UNPACK_RENAMING', 'checking'],
      ['EXECUTING_SCRIPT', 'checking'],
      ['PP_FINISHED', 'checking'],
      ['SOMETHING_NEW', 'downloading'],
    ];
    it.each(cases)('%s → %s', async (status, state) => {
      const group = fake.addGroup({ name: `Status.${status}`, status, remainingBytes: 500_000 });
      const item = await itemOf(group.NZBID);
      expect(item?.state).toBe(state);
      expect(item?.error).toBeNull();
      expect(item?.completedAt).toBeNull();
    });

    it('reads queued and downloading entries as paused while all downloading is paused', async () => {
      const queued = fake.addGroup({ name: 'Waiting', status: 'QUEUED' });
      const running = fake.addGroup({
        name: 'Running',
        status: 'DOWNLOADING',
        fields: { ActiveDownloads: 2 },
      });
      const unpacking = fake.addGroup({ name: 'Unpacking', status: 'UNPACKING', remainingBytes: 0 });
      fake.setStatus({ DownloadPaused: true, DownloadRate: 0 });
      const items = await list();
      const state = (id: number) => items.find((item) => item.clientId === String(id))?.state;
      expect([state(queued.NZBID), state(running.NZBID), state(unpacking.NZBID)]).toEqual([
        'paused',
        'paused',
        'checking',
      ]);
    });

    it('reads an entry whose remaining files are all paused as paused', async () => {
      const group = fake.addGroup({
        name: 'Files.Paused',
        status: 'QUEUED',
        remainingBytes: 600_000,
        pausedBytes: 600_000,
      });
      expect(await itemOf(group.NZBID)).toMatchObject({ state: 'paused', remainingBytes: 600_000 });
    });

    it('shares the global rate among downloading entries by their active downloads, with an ETA', async () => {
      const a = fake.addGroup({
        name: 'A',
        status: 'DOWNLOADING',
        remainingBytes: 900_000,
        fields: { ActiveDownloads: 3 },
      });
      const b = fake.addGroup({
        name: 'B',
        status: 'DOWNLOADING',
        remainingBytes: 400_000,
        fields: { ActiveDownloads: 1 },
      });
      const c = fake.addGroup({ name: 'C', status: 'QUEUED' });
      fake.setStatus({ DownloadRate: 400_000 });
      const items = await list();
      const byId = (id: number) => items.find((item) => item.clientId === String(id));
      expect(byId(a.NZBID)).toMatchObject({ downloadSpeed: 300_000, etaSeconds: 3, uploadSpeed: 0 });
      expect(byId(b.NZBID)).toMatchObject({ downloadSpeed: 100_000, etaSeconds: 4 });
      expect(byId(c.NZBID)).toMatchObject({ downloadSpeed: 0, etaSeconds: null });
    });

    it('reads the 24.2+ DownloadRateLo/Hi pair when NZBGet sends it', async () => {
      const group = fake.addGroup({ name: 'Fast', status: 'DOWNLOADING', fields: { ActiveDownloads: 4 } });
      fake.setStatus({ DownloadRate: 1, ...nzbgetSizeFields('DownloadRate', 2 ** 32 + 8) });
      expect((await itemOf(group.NZBID))?.downloadSpeed).toBe(2 ** 32 + 8);
    });

    it('reads a queue entry NZBGet already deleted for bad health as failed, and one deleted by hand not at all', async () => {
      const sick = fake.addGroup({
        name: 'Sick',
        status: 'PP_QUEUED',
        // NZBGet counts the failed articles as processed: nothing remains, yet half of it never came.
        remainingBytes: 0,
        fields: {
          DeleteStatus: 'HEALTH',
          Health: 500,
          CriticalHealth: 1000,
          Deleted: true,
          TotalArticles: 4,
          SuccessArticles: 2,
        },
      });
      const dropped = fake.addGroup({
        name: 'Dropped',
        status: 'PP_QUEUED',
        fields: { DeleteStatus: 'MANUAL' },
      });
      // Health drops while articles fail; only NZBGet's health check decides (HealthCheck=none lets it go on).
      const unwell = fake.addGroup({
        name: 'Unwell',
        status: 'DOWNLOADING',
        fields: { Health: 600, CriticalHealth: 900, ActiveDownloads: 1 },
      });
      const items = await list();
      const item = items.find((entry) => entry.clientId === String(sick.NZBID));
      expect(item?.state).toBe('failed');
      expect(item?.progress).toBe(0.5);
      // Worded as the history entry it becomes will be, so the reason does not change on the move.
      expect(item?.error).toBe(
        'Download failed: articles are missing on the news server (health 50.0%, needs 100.0%) (FAILURE/HEALTH)',
      );
      expect(items.some((entry) => entry.clientId === String(dropped.NZBID))).toBe(false);
      expect(items.find((entry) => entry.clientId === String(unwell.NZBID))).toMatchObject({
        state: 'downloading',
        error: null,
      });
    });

    it('lists an entry seen in both queue and history (it just moved) once, as finished', async () => {
      const done = fake.addHistory({ name: 'Moving.On' });
      // The queue answered just before NZBGet moved the entry to its history.
      fake.addGroup({
        name: 'Moving.On',
        status: 'PP_FINISHED',
        remainingBytes: 0,
        fields: { NZBID: done.NZBID },
      });
      const items = (await list()).filter((item) => item.clientId === String(done.NZBID));
      expect(items).toHaveLength(1);
      expect(items[0]?.state).toBe('completed');
    });
  });

  describe('history sub-statuses', () => {
    const cases: Array<{
      fields: Record<string, unknown>;
      state: 'completed' | 'failed';
      status: string;
      error: RegExp | null;
    }> = [
      { fields: {}, state: 'completed', status: 'SUCCESS/HEALTH', error: null },
      {
        fields: { ParStatus: 'SUCCESS', UnpackStatus: 'SUCCESS' },
        state: 'completed',
        status: 'SUCCESS/UNPACK',
        error: null,
      },
      {
        fields: { DeleteStatus: 'HEALTH', Health: 0, CriticalHealth: 850, MoveStatus: 'NONE' },
        state: 'failed',
        status: 'FAILURE/HEALTH',
        error:
          /^Download failed: articles are missing on the news server \(health 0\.0%, needs 85\.0%\) \(FAILURE\/HEALTH\)$/,
      },
      {
        fields: { DeleteStatus: 'DUPE' },
        state: 'failed',
        status: 'DELETED/DUPE',
        error: /duplicate.*\(DELETED\/DUPE\)$/,
      },
      {
        fields: { DeleteStatus: 'COPY' },
        state: 'failed',
        status: 'DELETED/COPY',
        error: /same NZB.*\(DELETED\/COPY\)$/,
      },
      {
        fields: { DeleteStatus: 'SCAN' },
        state: 'failed',
        status: 'FAILURE/SCAN',
        error: /could not read the NZB.*\(FAILURE\/SCAN\)$/,
      },
      {
        fields: { DeleteStatus: 'BAD' },
        state: 'failed',
        status: 'FAILURE/BAD',
        error: /bad.*\(FAILURE\/BAD\)$/,
      },
      {
        fields: { DeleteStatus: 'MANUAL', MarkStatus: 'BAD' },
        state: 'failed',
        status: 'FAILURE/BAD',
        error: /Deleted and marked as bad/,
      },
      {
        fields: { MarkStatus: 'BAD' },
        state: 'failed',
        status: 'FAILURE/BAD',
        error: /marked as bad.*\(FAILURE\/BAD\)$/i,
      },
      {
        fields: { ParStatus: 'FAILURE' },
        state: 'failed',
        status: 'FAILURE/PAR',
        error: /Repair failed.*\(FAILURE\/PAR\)$/,
      },
      {
        fields: { ParStatus: 'REPAIR_POSSIBLE' },
        state: 'failed',
        status: 'WARNING/REPAIRABLE',
        error: /repair is possible.*\(WARNING\/REPAIRABLE\)$/,
      },
      {
        fields: { ParStatus: 'MANUAL' },
        state: 'failed',
        status: 'WARNING/DAMAGED',
        error: /damaged.*\(WARNING\/DAMAGED\)$/,
      },
      {
        fields: { UnpackStatus: 'FAILURE' },
        state: 'failed',
        status: 'FAILURE/UNPACK',
        error: /^Unpacking failed \(FAILURE\/UNPACK\)$/,
      },
      {
        fields: { UnpackStatus: 'SPACE' },
        state: 'failed',
        status: 'WARNING/SPACE',
        error: /disk space \(WARNING\/SPACE\)$/,
      },
      {
        fields: { UnpackStatus: 'PASSWORD' },
        state: 'failed',
        status: 'WARNING/PASSWORD',
        error: /password \(WARNING\/PASSWORD\)$/,
      },
      {
        fields: { ScriptStatus: 'FAILURE' },
        state: 'failed',
        status: 'WARNING/SCRIPT',
        error: /script failed.*\(WARNING\/SCRIPT\)$/,
      },
      {
        fields: { Kind: 'URL', UrlStatus: 'FAILURE' },
        state: 'failed',
        status: 'FAILURE/FETCH',
        error: /fetch the NZB.*\(FAILURE\/FETCH\)$/,
      },
      {
        fields: { Health: 700, CriticalHealth: 1000, DeleteStatus: 'NONE' },
        state: 'failed',
        status: 'FAILURE/HEALTH',
        error: /health 70\.0%, needs 100\.0%\) \(FAILURE\/HEALTH\)$/,
      },
      {
        fields: { MoveStatus: 'FAILURE' },
        state: 'completed',
        status: 'FAILURE/MOVE',
        error: /could not move.*\(FAILURE\/MOVE\)$/,
      },
      {
        fields: { Health: 990, CriticalHealth: 850 },
        state: 'completed',
        status: 'WARNING/HEALTH',
        error: /articles missing \(health 99\.0%, needs 85\.0%\).*damaged \(WARNING\/HEALTH\)$/,
      },
      // A later warning does not hide an earlier failure (Radarr would report this as a warning).
      {
        fields: { ParStatus: 'FAILURE', MoveStatus: 'FAILURE' },
        state: 'failed',
        status: 'FAILURE/PAR',
        error: /Repair failed/,
      },
    ];
    it.each(cases)('$status with $fields → $state', async ({ fields, state, status, error }) => {
      const entry = fake.addHistory({ name: 'Post.Processed', fields });
      expect(entry.Status).toBe(status);
      const item = await itemOf(entry.NZBID);
      expect(item?.state).toBe(state);
      if (error) expect(item?.error).toMatch(error);
      else expect(item?.error).toBeNull();
      expect(item?.etaSeconds).toBeNull();
      if (state === 'completed') {
        expect(item).toMatchObject({ progress: 1, remainingBytes: 0 });
        expect(item?.completedAt).toBe(new Date(Number(entry.HistoryTime) * 1000).toISOString());
      } else expect(item?.completedAt).toBeNull();
    });

    it('leaves out a download deleted by hand (DELETED/MANUAL)', async () => {
      const entry = fake.addHistory({ name: 'Deleted.By.Hand', fields: { DeleteStatus: 'MANUAL' } });
      expect(entry.Status).toBe('DELETED/MANUAL');
      expect(await itemOf(entry.NZBID)).toBeUndefined();
    });

    it("gives a failed download's progress as its share of articles fetched", async () => {
      const entry = fake.addHistory({
        name: 'Half.There',
        sizeBytes: 1_000_000,
        fields: { DeleteStatus: 'HEALTH', TotalArticles: 4, SuccessArticles: 1, Health: 250 },
      });
      expect(await itemOf(entry.NZBID)).toMatchObject({
        state: 'failed',
        progress: 0.25,
        remainingBytes: 750_000,
      });
    });

    it('takes FinalDir over DestDir as the content path, and its parent as the save path', async () => {
      const moved = fake.addHistory({
        name: 'Moved.By.Script',
        fields: { FinalDir: '/media/movies/Moved.By.Script' },
      });
      const plain = fake.addHistory({ name: 'Plain', category: 'tv' });
      expect(await itemOf(moved.NZBID)).toMatchObject({
        contentPath: '/media/movies/Moved.By.Script',
        savePath: '/media/movies',
      });
      expect(await itemOf(plain.NZBID)).toMatchObject({
        contentPath: '/downloads/dst/tv/Plain',
        savePath: '/downloads/dst/tv',
      });
    });
  });
});
