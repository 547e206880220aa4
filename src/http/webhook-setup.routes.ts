import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { webhookSetups } from '../services/webhook-setup.js';
import { API_SECURITY, adminOnly } from './access.js';
import { errorSchema } from './api.schemas.js';

export interface WebhookSetupDeps {
  baseUrl: string;
  webhookToken: string;
}

const setupSchema = z.object({
  source: z.enum(['jellyseerr', 'radarr', 'sonarr', 'jellyfin']),
  app: z.string(),
  url: z.string(),
  where: z.string(),
  fields: z.array(z.object({ label: z.string(), value: z.string(), secret: z.boolean() })),
  tick: z.array(z.string()),
  notes: z.string().nullable(),
});

/** `GET /api/webhooks`: what to paste into each app and what to tick (Settings → Services). */
export async function webhookSetupRoutes(appBase: FastifyInstance, deps: WebhookSetupDeps): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  app.addHook('onRequest', adminOnly);
  app.get(
    '/api/webhooks',
    {
      schema: {
        tags: ['settings'],
        summary: 'Webhook URL, credentials and events to tick, per app',
        security: API_SECURITY,
        response: { 200: z.array(setupSchema), 401: errorSchema },
      },
    },
    async () => webhookSetups({ baseUrl: deps.baseUrl, token: deps.webhookToken }),
  );
}
