import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { WebhookParser, WebhookSource } from '../integrations/webhook.types.js';
import { WEBHOOK_SOURCES } from '../integrations/webhook.types.js';
import type { Inbox } from '../tracker/inbox.js';
import type { InboxWorker } from '../tracker/inbox-worker.js';
import { hasSecret } from './auth.js';
import { errorBody } from './errors.js';

export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

export interface HooksDeps {
  inbox: Inbox;
  worker: InboxWorker;
  parsers: Record<WebhookSource, WebhookParser>;
  clock: Clock;
  webhookToken: string;
  apiKey: string;
}

/**
 * The webhook door: authenticate, size-check, parse as JSON whatever the content type (the Jellyfin
 * plugin sends text/plain), validate against the source's schema, store durably, then answer.
 */
export async function hooksRoutes(app: FastifyInstance, deps: HooksDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => {
    done(null, body);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!hasSecret(request, [deps.webhookToken, deps.apiKey])) {
      return reply.code(401).send(errorBody('unauthorized', 'missing or wrong webhook token'));
    }
  });

  const handler = async (request: FastifyRequest<{ Params: { source: string } }>, reply: FastifyReply) => {
    const source = request.params.source as WebhookSource;
    if (!WEBHOOK_SOURCES.includes(source)) {
      return reply
        .code(404)
        .send(
          errorBody('unknown_source', `unknown webhook source; use one of ${WEBHOOK_SOURCES.join(', ')}`),
        );
    }
    const text = typeof request.body === 'string' ? request.body : '';
    if (text.trim() === '')
      return reply.code(400).send(errorBody('invalid_body', 'empty body: expected JSON'));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return reply
        .code(400)
        .send(errorBody('invalid_json', `body is not valid JSON: ${(error as Error).message}`));
    }
    const parsed = deps.parsers[source](json, { receivedAt: deps.clock.now().toISOString() });
    if (!parsed.ok) return reply.code(400).send(errorBody('invalid_payload', parsed.error));
    if (parsed.kind === 'test') {
      await deps.inbox.recordTest(source, parsed.eventType);
      return reply.code(200).send({ status: 'test_received', source });
    }
    // The *arrs, Jellyseerr and the Jellyfin plugin re-send a notification byte for byte, so the raw
    // body identifies a re-delivery; equal facts in different bytes are caught later, per observation.
    const dedupeKey = createHash('sha256').update(source).update('\n').update(text).digest('hex');
    const stored = await deps.inbox.store({ source, eventType: parsed.eventType, body: text, dedupeKey });
    if (!stored.duplicate) deps.worker.kick();
    return reply.code(202).send({ status: 'accepted', id: stored.id, duplicate: stored.duplicate });
  };

  const schema = {
    tags: ['webhooks'],
    summary: `Receive a webhook from ${WEBHOOK_SOURCES.join(', ')}`,
    description:
      'The body is the service’s own JSON, in any content type. Auth: Bearer token, basic-auth password, ' +
      '?token= (or the API key). 202 stored, 200 test event, 400 invalid, 401 wrong token, 404 unknown source, ' +
      '413 over 1 MiB.',
  };
  app.post('/hooks/:source', { bodyLimit: WEBHOOK_BODY_LIMIT, schema }, handler);
  app.put('/hooks/:source', { bodyLimit: WEBHOOK_BODY_LIMIT, schema }, handler);
}
