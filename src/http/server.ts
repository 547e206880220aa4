import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { type AccessDeps, registerViewer } from './access.js';
import { type ActionsDeps, actionsRoutes } from './actions.routes.js';
import { type ApiDeps, apiRoutes } from './api.routes.js';
import { type AuthDeps, authRoutes } from './auth.routes.js';
import { registerErrorHandler } from './errors.js';
import { type EventsDeps, eventsRoutes } from './events.routes.js';
import { type HooksDeps, hooksRoutes } from './hooks.routes.js';
import { type ServicesDeps, servicesRoutes } from './services.routes.js';
import { type WebDeps, webRoutes } from './web.routes.js';
import { type WebhookSetupDeps, webhookSetupRoutes } from './webhook-setup.routes.js';

export interface ServerDeps {
  logger: Logger;
  hooks: HooksDeps;
  api: ApiDeps;
  events: EventsDeps;
  services: ServicesDeps;
  actions: ActionsDeps;
  web: WebDeps;
  webhookSetup: WebhookSetupDeps;
  /** Who is asking (API key or session cookie), decided once for every `/api` request. */
  access: AccessDeps;
  auth: AuthDeps;
  /** Whose `X-Forwarded-For` to believe (the client's address counts for the sign-in rate limit). */
  trustProxy?: boolean | string[];
  version: string;
}

export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // Secrets may travel in the query string (`?token=`, `?apikey=`): request URLs are never logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    trustProxy: deps.trustProxy ?? false,
    // Open SSE streams must not hold up a shutdown.
    forceCloseConnections: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Status Tracker API',
        version: deps.version,
        description:
          'Where every media request is, from Jellyseerr to Jellyfin. Webhooks: POST|PUT /hooks/{jellyseerr|radarr|sonarr|jellyfin}.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
          apiKeyQuery: { type: 'apiKey', in: 'query', name: 'apikey' },
          session: { type: 'apiKey', in: 'cookie', name: 'st_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(cookie);
  registerViewer(app, deps.access);

  await app.register(async (scope) => hooksRoutes(scope, deps.hooks));
  await app.register(async (scope) => authRoutes(scope, deps.auth));
  await app.register(async (scope) => apiRoutes(scope, deps.api));
  await app.register(async (scope) => eventsRoutes(scope, deps.events));
  await app.register(async (scope) => servicesRoutes(scope, deps.services));
  await app.register(async (scope) => actionsRoutes(scope, deps.actions));
  await app.register(async (scope) => webhookSetupRoutes(scope, deps.webhookSetup));
  await app.register(async (scope) => webRoutes(scope, deps.web));
  return app;
}
