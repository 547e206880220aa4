import { it } from 'vitest';
import { startNzbgetDaemon } from '../../../test/support/daemons/nzbget.daemon.js';

it('exp', async () => {
  const d = await startNzbgetDaemon();
  try {
    const counts: Record<string, number> = {};
    const good = `Basic ${Buffer.from(`${d.username}:${d.password}`).toString('base64')}`;
    const bad = `Basic ${Buffer.from('nzbget:wrong').toString('base64')}`;
    const call = (auth: string, body: string, conn?: string) =>
      fetch(`${d.url}/jsonrpc`, {
        method: 'POST',
        headers: { Authorization: auth, ...(conn ? { Connection: conn } : {}) },
        body,
      })
        .then(async (a) => `${a.status} ${(await a.text()).length}`)
        .catch((e) => `ERR ${e.cause?.code ?? e.message}`);
    for (const size of [0, 500, 1000, 1500, 3000]) {
      for (const firstConn of [undefined, 'close'])
        for (const secondConn of [undefined, 'close']) {
          for (let i = 0; i < 10; i++) {
            const r1 = await call(bad, JSON.stringify({ method: 'version', params: [], id: 1 }), firstConn);
            const r2 = await call(
              good,
              JSON.stringify({ method: 'version', params: [], id: 2, pad: 'y'.repeat(size) }),
              secondConn,
            );
            const k = `401-req ${firstConn ?? 'ka'} then ${size}B ${secondConn ?? 'ka'}: ${r1.split(' ')[0]} / ${r2.split(' ')[0]}`;
            counts[k] = (counts[k] ?? 0) + 1;
          }
        }
    }
    console.log(counts);
  } finally {
    await d.stop();
  }
}, 60000);
