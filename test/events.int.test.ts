import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { radarrGrab } from '../src/integrations/radarr/radarr.fake.js';
import { API_KEY, startTestApp, type TestApp } from './support/test-app.js';

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** A minimal SSE reader over fetch: collects parsed messages until told to stop. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  const messages: SseMessage[] = [];
  const reading = (async () => {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: SseMessage = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) message.comment = line.slice(1).trim();
            const [field, ...rest] = line.split(': ');
            if (field === 'id' || field === 'event' || field === 'data') message[field] = rest.join(': ');
          }
          messages.push(message);
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    messages,
    async until(predicate: (m: SseMessage[]) => boolean, timeoutMs = 5000) {
      const started = Date.now();
      while (!predicate(messages)) {
        if (Date.now() - started > timeoutMs) throw new Error(`timed out; got ${JSON.stringify(messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      controller.abort();
      await reading;
    },
  };
}

let t: TestApp;
let base: string;
beforeEach(async () => {
  t = await startTestApp();
  await t.app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterEach(async () => {
  await t.close();
});

const grab = (n: number) =>
  radarrGrab({
    movieId: n,
    tmdbId: 1000 + n,
    title: `Movie ${n}`,
    year: 2001,
    downloadId: String(n).repeat(40).slice(0, 40),
  });

describe('GET /api/events', () => {
  it('needs the API key', async () => {
    const res = await fetch(`${base}/api/events`);
    expect(res.status).toBe(401);
  });

  it('streams request events, sends heartbeats, and replays after Last-Event-ID', async () => {
    const stream = await openStream(`${base}/api/events?apikey=${API_KEY}`);
    expect(stream.status).toBe(200);
    await t.hooks([['radarr', grab(1)]]);
    await stream.until((m) => m.some((x) => x.event === 'request'));
    const first = stream.messages.find((x) => x.event === 'request')!;
    expect(JSON.parse(first.data!)).toMatchObject({ title: 'Movie 1', state: 'grabbing', source: 'radarr' });
    await stream.until((m) => m.some((x) => x.comment === 'heartbeat'));
    await stream.close();

    // Two events happen while the client is away; it gets exactly those on reconnect.
    await t.hooks([
      ['radarr', grab(2)],
      ['radarr', grab(3)],
    ]);
    const again = await openStream(`${base}/api/events`, {
      'x-api-key': API_KEY,
      'last-event-id': first.id!,
    });
    await again.until((m) => m.filter((x) => x.event === 'request').length >= 2);
    const replayed = again.messages
      .filter((x) => x.event === 'request')
      .map((x) => JSON.parse(x.data!).title);
    expect(replayed).toEqual(['Movie 2', 'Movie 3']);
    await again.close();

    // A browser's EventSource cannot send a header on its first connection: the query works too.
    const viaQuery = await openStream(`${base}/api/events?apikey=${API_KEY}&lastEventId=${first.id}`);
    await viaQuery.until((m) => m.filter((x) => x.event === 'request').length >= 2);
    expect(
      viaQuery.messages.filter((x) => x.event === 'request').map((x) => JSON.parse(x.data!).title),
    ).toEqual(['Movie 2', 'Movie 3']);
    await viaQuery.close();
  });
});
