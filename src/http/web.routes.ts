import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export interface WebDeps {
  /** The Vite build (`dist/web`). */
  root: string;
}

/** Paths that belong to the server, never to the UI's client-side routes. */
const SERVER_PATHS = /^\/(api|hooks|docs)(\/|$)/;

/**
 * Serves the web UI from the same process. Hashed assets are cached for a year; `index.html` is
 * never cached, so a new version shows on the next load. Any other GET that is not the API's is a
 * client-side route and gets `index.html`.
 */
export async function webRoutes(app: FastifyInstance, deps: WebDeps): Promise<void> {
  const index = join(deps.root, 'index.html');
  if (!existsSync(index)) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built: run `npm run build:web` (npm start does it), then reload.'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: deps.root,
    wildcard: false,
    index: false,
    setHeaders(response, path) {
      response.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (SERVER_PATHS.test(request.url)) return reply.callNotFound();
    return sendIndex(reply);
  });
}
