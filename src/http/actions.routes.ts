import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACTION_NAMES } from '../actions/action-catalog.js';
import type { Actions } from '../actions/actions.js';
import { API_SECURITY, adminOnly } from './access.js';
import { errorSchema } from './api.schemas.js';
import { errorBody } from './errors.js';

export interface ActionsDeps {
  actions: Actions;
}

const queuedSchema = z.object({
  id: z.number(),
  action: z.enum(ACTION_NAMES),
  /** `pending` (to be sent), `done`, `failed` or `dry_run` (recorded, not sent). */
  status: z.string(),
  /** False when the same command was already queued: it is not queued twice. */
  created: z.boolean(),
});

/** `POST /api/requests/{id}/actions/{action}`: a person asks for a fix; it goes through the outbox. */
export async function actionsRoutes(appBase: FastifyInstance, deps: ActionsDeps): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', adminOnly);

  app.post(
    '/api/requests/:id/actions/:action',
    {
      schema: {
        tags: ['requests'],
        summary: 'Run a fix for a request (force import, search again, ask Jellyfin to scan, ...)',
        description: `Actions: ${ACTION_NAMES.join(', ')}. 202 queued (or already queued); 404 unknown request; 409 the action does not apply to it, with the reason.`,
        security: API_SECURITY,
        params: z.object({ id: z.string().min(1).max(100), action: z.enum(ACTION_NAMES) }),
        response: { 202: queuedSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const result = deps.actions.request(request.params.id, request.params.action);
      if (!result.ok) {
        return reply
          .code(result.code === 'not_found' ? 404 : 409)
          .send(errorBody(result.code, result.reason));
      }
      const { row, created } = result;
      return reply.code(202).send({ id: row.id, action: request.params.action, status: row.status, created });
    },
  );
}
