/**
 * A server for the ingest benchmark, run as a child process so the load generator does not share
 * its event loop. `tracker`: the real app on a file database in a temp dir. `bare`: a bare Fastify
 * route that parses JSON and answers 202, the yardstick.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const mode = process.argv[2];
if (mode === 'bare') {
  const app = Fastify();
  app.post('/hooks/:source', async (_request, reply) => reply.code(202).send({ status: 'accepted' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'status-tracker-bench-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    API_KEY: 'bench-api-key-0123456789',
    WEBHOOK_TOKEN: 'bench-webhook-token-0123456789',
    LOG_LEVEL: 'silent',
  });
  const app = await createApp(config, { logger: pino({ level: 'silent' }) });
  if (process.env.BENCH_NO_WORKER) app.worker.stop();
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.server.address();
  process.stdout.write(`PORT ${typeof address === 'object' && address ? address.port : 0}\n`);
  process.on('message', (message) => {
    if (message === 'drain') {
      const started = Date.now();
      void app.worker.idle().then(() => {
        const processed = app.db.$client
          .prepare('select count(*) as n from inbox where processed_at is not null')
          .get() as {
          n: number;
        };
        process.send?.({ drainedMs: Date.now() - started, processed: processed.n });
      });
    }
  });
}
