import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maySeeRequest, onlyRequestsOf } from '../auth/viewer.js';
import type { HealthReporter } from '../tracker/health.js';
import type { RequestQueries } from '../tracker/request-queries.js';
import { API_SECURITY, adminOnly, signedIn } from './access.js';
import {
  errorSchema,
  healthSchema,
  listQuerySchema,
  requestDetailSchema,
  requestSummarySchema,
} from './api.schemas.js';
import { errorBody } from './errors.js';

export interface ApiDeps {
  queries: RequestQueries;
  health: HealthReporter;
}

export async function apiRoutes(appBase: FastifyInstance, deps: ApiDeps): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const security = API_SECURITY;

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url === '/api/health') return;
    return signedIn(request, reply);
  });

  app.get(
    '/api/requests',
    {
      schema: {
        tags: ['requests'],
        summary: 'List tracked requests (a Jellyfin user who is not an administrator: their own)',
        security,
        querystring: listQuerySchema,
        response: {
          200: z.object({ items: z.array(requestSummarySchema), total: z.number() }),
          400: errorSchema,
        },
      },
    },
    async (request) =>
      deps.queries.list({ ...request.query, requestedBy: onlyRequestsOf(request.viewer) ?? undefined }),
  );

  app.get(
    '/api/requests/:id',
    {
      schema: {
        tags: ['requests'],
        summary: 'One request with episodes, downloads and timeline',
        security,
        params: z.object({ id: z.string().min(1).max(100) }),
        response: { 200: requestDetailSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const detail = deps.queries.get(request.params.id);
      // Someone else's request is as unknown to a non-admin as one that does not exist.
      if (!detail || !maySeeRequest(request.viewer, detail.requestedBy))
        return reply.code(404).send(errorBody('not_found', 'no such request'));
      return detail;
    },
  );

  app.get(
    '/api/observations/:id/raw',
    {
      schema: {
        tags: ['requests'],
        summary: 'The raw payload a timeline entry came from (admin only)',
        security,
        params: z.object({ id: z.coerce.number().int().positive() }),
        response: {
          200: z.object({
            observationId: z.number(),
            source: z.string(),
            kind: z.string(),
            at: z.string(),
            observation: z.unknown(),
            eventType: z.string().nullable(),
            receivedAt: z.string().nullable(),
            payload: z.unknown(),
          }),
          403: errorSchema,
          404: errorSchema,
        },
      },
      onRequest: adminOnly,
    },
    async (request, reply) => {
      const raw = deps.queries.rawObservation(request.params.id);
      if (!raw) return reply.code(404).send(errorBody('not_found', 'no such observation'));
      return raw;
    },
  );

  app.get(
    '/api/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Overall status (open); service details for an administrator or the API key',
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (request, reply) => {
      const report = deps.health();
      // Anyone may see whether the tracker is fine; the details are an administrator's.
      if (!request.viewer?.isAdmin) return reply.code(200).send({ status: report.status });
      return reply.code(200).send(report);
    },
  );
}
