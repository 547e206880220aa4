import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { startTrackerProcess } from './support/tracker-process.js';

const API_KEY = 'crash-api-key-0123456789abcdef';
const TOKEN = 'crash-webhook-token-0123456789';
const dataDir = mkdtempSync(join(tmpdir(), 'status-tracker-crash-'));
function body(n: number) {
  return radarrGrab({
    movieId: 10_000 + n,
    tmdbId: 700_000 + n,
    title: `Crash Movie ${n}`,
    year: 2024,
    downloadId: (0xabc000 + n).toString(16).toUpperCase().padStart(40, '0'),
  });
}

async function post(port: number, n: number): Promise<{ status: number; id?: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/hooks/radarr`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body(n)),
  });
  const json = (await res.json()) as { id?: number };
  return { status: res.status, ...(json.id !== undefined && { id: json.id }) };
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('a kill -9 in the middle of a stream of webhooks', () => {
  it('keeps every webhook answered 202 and applies none twice', async () => {
    const first = await startTrackerProcess({ DATA_DIR: dataDir, API_KEY, WEBHOOK_TOKEN: TOKEN });
    const accepted = new Map<number, number>(); // webhook number → inbox id
    let next = 0;
    let killed = false;
    // Eight senders post distinct Grab webhooks until the process is killed under them.
    const senders = Array.from({ length: 8 }, async () => {
      while (!killed) {
        const n = next++;
        try {
          const res = await post(first.port, n);
          if (res.status === 202 && res.id !== undefined) accepted.set(n, res.id);
        } catch {
          // the connection died with the process: this webhook was never acknowledged
        }
      }
    });
    while (accepted.size < 150) await new Promise((resolve) => setTimeout(resolve, 5));
    const stopped = first.stop('SIGKILL');
    killed = true;
    await Promise.all(senders);
    await stopped;
    expect(accepted.size).toBeGreaterThanOrEqual(150);

    const second = await startTrackerProcess({ DATA_DIR: dataDir, API_KEY, WEBHOOK_TOKEN: TOKEN });
    try {
      // The restarted worker applies what the first process stored but had not processed.
      for (let i = 0; i < 200; i++) {
        const res = await fetch(`http://127.0.0.1:${second.port}/api/health`, {
          headers: { 'x-api-key': API_KEY },
        });
        const health = (await res.json()) as { inbox: { backlog: number } };
        if (health.inbox.backlog === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // A re-delivery of an acknowledged webhook is recognised.
      const [someNumber, someId] = [...accepted][0]!;
      const again = await fetch(`http://127.0.0.1:${second.port}/hooks/radarr`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(body(someNumber)),
      });
      expect(again.status).toBe(202);
      expect(await again.json()).toMatchObject({ duplicate: true, id: someId });
    } finally {
      await second.stop();
    }

    const db = new Database(join(dataDir, 'status-tracker.db'), { readonly: true });
    try {
      const inboxIds = new Set(
        (
          db.prepare('select id from inbox where processed_at is not null and error is null').all() as Array<{
            id: number;
          }>
        ).map((r) => r.id),
      );
      for (const id of accepted.values()) expect(inboxIds.has(id)).toBe(true);
      const unprocessed = db.prepare('select count(*) as n from inbox where processed_at is null').get() as {
        n: number;
      };
      expect(unprocessed.n).toBe(0);
      // One grab observation per stored webhook, one request per movie, one timeline entry per grab.
      const stored = db.prepare('select count(*) as n from inbox').get() as { n: number };
      const grabs = db.prepare("select count(*) as n from observations where kind = 'grabbed'").get() as {
        n: number;
      };
      const requests = db.prepare('select count(*) as n from requests').get() as { n: number };
      const doubled = db
        .prepare(
          'select observation_id from timeline where observation_id is not null group by observation_id having count(*) > 1',
        )
        .all();
      expect(grabs.n).toBe(stored.n);
      expect(requests.n).toBe(stored.n);
      expect(doubled).toEqual([]);
      const states = db.prepare('select distinct state from requests').all() as Array<{ state: string }>;
      expect(states.map((s) => s.state)).toEqual(['grabbing']);
    } finally {
      db.close();
    }
  }, 60_000);
});
