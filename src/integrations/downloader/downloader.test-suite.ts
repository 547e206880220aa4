/**
 * The contract every Downloader must keep, run against each client's contract fake (unit runs) and
 * against the real daemon (`*.int.test.ts`). A fake that passes here and a daemon that passes here
 * answer alike where the tracker looks.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntegrationError } from '../shared/integration-error.js';
import { type Downloader, type DownloadItem, downloadItemSchema } from './downloader.js';

export interface AddedDownload {
  /** The id as Radarr/Sonarr would know it. */
  arrId: string;
  /** Size of the content in bytes. */
  sizeBytes: number;
}

/** What a contract run needs from one client: the downloader and a way to put downloads in it. */
export interface DownloaderHarness {
  /** Connected with the right credentials. */
  downloader: Downloader;
  /** The same server with a wrong password or key. */
  withWrongCredentials(): Downloader;
  /** The same kind of client pointed at a port where nothing listens. */
  unreachable(): Downloader;
  /** A download whose data is already all there (a torrent over existing data, an NZB that succeeds). */
  addCompleted(input: { name: string; category: string }): Promise<AddedDownload>;
  /** A download added paused, with nothing downloaded. */
  addPaused(input: { name: string; category: string }): Promise<AddedDownload>;
  remove(arrId: string): Promise<void>;
  /** Stops whatever `start` started. */
  stop(): Promise<void>;
}

export interface ContractOptions {
  /** How long to wait for a client to reach a state (real daemons check data first). */
  settleMs?: number;
}

export function describeDownloaderContract(
  title: string,
  start: () => Promise<DownloaderHarness>,
  options: ContractOptions = {},
): void {
  const settle = { timeout: options.settleMs ?? 2_000, interval: 100 };

  describe(`Downloader contract: ${title}`, () => {
    let harness: DownloaderHarness;
    beforeAll(async () => {
      harness = await start();
    });
    afterAll(async () => {
      await harness?.stop();
    });

    const unique = (label: string) => `Contract.${label}.${randomBytes(4).toString('hex')}`;
    async function find(arrId: string): Promise<DownloadItem | undefined> {
      const items = await harness.downloader.listItems();
      for (const item of items) downloadItemSchema.parse(item);
      return items.find((item) => item.arrId === arrId);
    }

    it('answers testConnection with its version', async () => {
      const { version } = await harness.downloader.testConnection();
      expect(version).toMatch(/\d/);
    });

    it('tells wrong credentials apart (unauthorized)', async () => {
      const error = await harness
        .withWrongCredentials()
        .testConnection()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IntegrationError);
      expect((error as IntegrationError).kind).toBe('unauthorized');
    });

    it('tells a client that is not there apart (unreachable)', async () => {
      const error = await harness
        .unreachable()
        .testConnection()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IntegrationError);
      expect((error as IntegrationError).kind).toBe('unreachable');
    });

    it('lists a complete download as completed, with its size, category and paths', async () => {
      const name = unique('done');
      const added = await harness.addCompleted({ name, category: 'radarr' });
      await expect.poll(async () => (await find(added.arrId))?.state, settle).toBe('completed');
      const item = await find(added.arrId);
      expect(item).toMatchObject({
        arrId: added.arrId,
        progress: 1,
        remainingBytes: 0,
        sizeBytes: added.sizeBytes,
        category: 'radarr',
        etaSeconds: null,
      });
      expect(item?.name).toContain(name);
      expect(item?.clientId).not.toBe('');
      expect(item?.contentPath ?? item?.savePath).toBeTruthy();
    });

    it('lists a paused download as paused with nothing downloaded', async () => {
      const name = unique('paused');
      const added = await harness.addPaused({ name, category: 'sonarr' });
      await expect.poll(async () => (await find(added.arrId))?.state, settle).toBe('paused');
      const item = await find(added.arrId);
      expect(item).toMatchObject({ category: 'sonarr', sizeBytes: added.sizeBytes, downloadSpeed: 0 });
      expect(item?.progress).toBeLessThan(1);
      expect(item?.remainingBytes).toBeGreaterThan(0);
      expect(item?.completedAt).toBeNull();
    });

    it('forgets a download once it is removed from the client', async () => {
      const added = await harness.addPaused({ name: unique('removed'), category: 'sonarr' });
      await expect.poll(async () => (await find(added.arrId))?.arrId, settle).toBe(added.arrId);
      await harness.remove(added.arrId);
      await expect.poll(async () => await find(added.arrId), settle).toBeUndefined();
    });
  });
}
