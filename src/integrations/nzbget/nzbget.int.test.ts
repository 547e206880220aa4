import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithBinaries, freePort } from '../../../test/support/daemons/daemon-process.js';
import { type NzbgetDaemon, startNzbgetDaemon } from '../../../test/support/daemons/nzbget.daemon.js';
import type { DownloadItem } from '../downloader/downloader.js';
import { describeDownloaderContract } from '../downloader/downloader.test-suite.js';
import type { ResilienceOptions } from '../shared/service-http.js';
import { createNzbgetDownloader } from './nzbget.client.js';

const RESILIENCE: ResilienceOptions = {
  timeoutMs: 5_000,
  maxAttempts: 2,
  initialBackoffMs: 50,
  maxBackoffMs: 100,
  breakAfter: 100,
  halfOpenAfterMs: 1_000,
};

function connect(daemon: NzbgetDaemon, password = daemon.password) {
  return createNzbgetDownloader({
    url: daemon.url,
    username: daemon.username,
    password,
    resilience: RESILIENCE,
  });
}

const drone = () => randomBytes(16).toString('hex');
const unique = (label: string) => `Int.${label}.${randomBytes(4).toString('hex')}`;

describeWithBinaries(['nzbget'], 'NZBGet (real daemon)', () => {
  describeDownloaderContract(
    'nzbget',
    async () => {
      const daemon = await startNzbgetDaemon();
      const deadPort = await freePort();
      const nzbIds = new Map<string, number>();
      async function add(input: { name: string; category: string; paused: boolean }) {
        // Fresh payload each time: NZBGet refuses NZB content it has seen before (DELETED/COPY).
        const payload = daemon.nntp.addPayload({ name: input.name, bytes: 300_000, segmentSize: 100_000 });
        const arrId = drone();
        const { nzbId } = await daemon.append({ ...input, nzb: payload.nzb, drone: arrId });
        nzbIds.set(arrId, nzbId);
        return { arrId, sizeBytes: payload.sizeBytes };
      }
      return {
        downloader: connect(daemon),
        withWrongCredentials: () => connect(daemon, 'wrong-password'),
        unreachable: () =>
          createNzbgetDownloader({
            url: `http://127.0.0.1:${deadPort}`,
            username: daemon.username,
            password: daemon.password,
            resilience: { ...RESILIENCE, maxAttempts: 1 },
          }),
        addCompleted: ({ name, category }) => add({ name, category, paused: false }),
        addPaused: ({ name, category }) => add({ name, category, paused: true }),
        async remove(arrId) {
          await daemon.remove({ nzbId: nzbIds.get(arrId) ?? -1 });
        },
        stop: () => daemon.stop(),
      };
    },
    { settleMs: 15_000 },
  );

  describe('NZBGet behaviour through the client', () => {
    let daemon: NzbgetDaemon;
    beforeAll(async () => {
      daemon = await startNzbgetDaemon();
    });
    afterAll(async () => {
      await daemon?.stop();
    });

    const settle = { timeout: 15_000, interval: 100 };
    async function find(arrId: string): Promise<DownloadItem | undefined> {
      return (await connect(daemon).listItems()).find((item) => item.arrId === arrId);
    }

    it("ends an NZB whose articles the news server does not have as failed, with NZBGet's reason", async () => {
      const arrId = drone();
      const name = unique('missing');
      await daemon.append({ name, nzb: daemon.nntp.missingNzb({ name }), category: 'radarr', drone: arrId });
      await expect.poll(async () => (await find(arrId))?.state, settle).toBe('failed');
      const item = await find(arrId);
      expect(item?.error).toMatch(
        /^Download failed: articles are missing on the news server \(health \d+\.\d%, needs \d+\.\d%\) \(FAILURE\/HEALTH\)$/,
      );
      expect(item).toMatchObject({ category: 'radarr', completedAt: null, etaSeconds: null });
      expect(item?.progress).toBeLessThan(1);
    });

    it('follows a rate-limited download from downloading, with speed and ETA, to completed', async () => {
      await daemon.setRate({ kilobytesPerSecond: 100 });
      try {
        const arrId = drone();
        const name = unique('slow');
        const bytes = randomBytes(800_000);
        const payload = daemon.nntp.addPayload({ name, bytes, segmentSize: 100_000 });
        await daemon.append({ name, nzb: payload.nzb, category: 'movies', drone: arrId });
        await expect
          .poll(async () => {
            const item = await find(arrId);
            return item?.state === 'downloading' && item.progress > 0 && item.downloadSpeed > 0;
          }, settle)
          .toBe(true);
        const item = await find(arrId);
        expect(item?.progress).toBeLessThan(1);
        expect(item?.remainingBytes).toBeGreaterThan(0);
        expect(item?.etaSeconds).toBeGreaterThan(0);
        expect(item?.downloadSpeed).toBeLessThan(400 * 1024);
        await daemon.setRate({ kilobytesPerSecond: 0 });
        await expect.poll(async () => (await find(arrId))?.state, settle).toBe('completed');
        expect(await find(arrId)).toMatchObject({ sizeBytes: 800_000, remainingBytes: 0, progress: 1 });
        const contentPath = (await find(arrId))?.contentPath;
        expect(contentPath).toBe(`${daemon.destDir}/movies/${name}`);
        // The fake news server's yEnc decodes to the very bytes it was given.
        expect(readFileSync(`${contentPath}/${name}.bin`).equals(bytes)).toBe(true);
      } finally {
        await daemon.setRate({ kilobytesPerSecond: 0 });
      }
    });

    it('reads a queued download as paused while all downloading is paused', async () => {
      await daemon.rpc('pausedownload', []);
      try {
        const arrId = drone();
        const name = unique('held');
        await daemon.append({
          name,
          nzb: daemon.nntp.addPayload({ name, bytes: 200_000 }).nzb,
          drone: arrId,
        });
        await expect.poll(async () => (await find(arrId))?.state, settle).toBe('paused');
        await daemon.rpc('resumedownload', []);
        await expect.poll(async () => (await find(arrId))?.state, settle).toBe('completed');
      } finally {
        await daemon.rpc('resumedownload', []);
      }
    });

    it('forgets a download deleted while it is downloading (DELETED/MANUAL)', async () => {
      daemon.nntp.setArticleDelay(400);
      try {
        const arrId = drone();
        const name = unique('dropped');
        const payload = daemon.nntp.addPayload({ name, bytes: 600_000, segmentSize: 100_000 });
        const { nzbId } = await daemon.append({ name, nzb: payload.nzb, category: 'tv', drone: arrId });
        await expect.poll(async () => (await find(arrId))?.state, settle).toBe('downloading');
        await daemon.remove({ nzbId });
        await expect.poll(async () => await find(arrId), settle).toBeUndefined();
        const history = (await daemon.rpc('history', [false])) as Array<{ NZBID: number; Status: string }>;
        expect(history.find((entry) => entry.NZBID === nzbId)?.Status).toBe('DELETED/MANUAL');
      } finally {
        daemon.nntp.setArticleDelay(0);
      }
    });

    it("tells NZBGet's add-only user apart as unauthorized", async () => {
      const client = createNzbgetDownloader({ url: daemon.url, ...daemon.addUser, resilience: RESILIENCE });
      const error = await client.testConnection().catch((e: unknown) => e);
      expect(error).toMatchObject({
        kind: 'unauthorized',
        message: expect.stringMatching(/only add downloads/),
      });
    });

    it('falls back to the NZBID when the download has no drone parameter', async () => {
      const name = unique('by-hand');
      const { nzbId } = await daemon.append({
        name,
        nzb: daemon.nntp.addPayload({ name, bytes: 100_000 }).nzb,
      });
      await expect.poll(async () => (await find(String(nzbId)))?.state, settle).toBe('completed');
      expect((await find(String(nzbId)))?.clientId).toBe(String(nzbId));
    });

    it('reports NZB content added a second time as failed (DELETED/COPY)', async () => {
      const name = unique('twice');
      const { nzb } = daemon.nntp.addPayload({ name, bytes: 100_000 });
      await daemon.append({ name, nzb, drone: drone() });
      const second = drone();
      await daemon.append({ name: `${name}.again`, nzb, drone: second });
      await expect.poll(async () => (await find(second))?.state, settle).toBe('failed');
      expect((await find(second))?.error).toMatch(/same NZB.*\(DELETED\/COPY\)$/);
    });
  });
});
