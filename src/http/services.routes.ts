import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isIntegrationError } from '../integrations/shared/integration-error.js';
import type { ResilienceOptions } from '../integrations/shared/service-http.js';
import { SECRET_FIELDS, SERVICE_CATALOG } from '../services/service-catalog.js';
import { connect, type ServiceConnections } from '../services/service-connections.js';
import {
  type ServiceDirectory,
  ServiceInputError,
  type ServiceInstance,
} from '../services/service-directory.js';
import { API_SECURITY, adminOnly } from './access.js';
import { errorSchema } from './api.schemas.js';
import { errorBody } from './errors.js';
import {
  catalogSchema,
  connectionTestSchema,
  serviceChangeSchema,
  serviceInputSchema,
  serviceViewSchema,
} from './services.schemas.js';

export interface ServicesDeps {
  directory: ServiceDirectory;
  connections: ServiceConnections;
  /** For tests of unsaved settings: how hard to try (the saved instances use their own). */
  resilience?: ResilienceOptions | undefined;
}

type View = z.infer<typeof serviceViewSchema>;
type TestResult = z.infer<typeof connectionTestSchema>;

/** Settings → Services: instances of every kind, secrets sealed at rest and never returned. */
export async function servicesRoutes(appBase: FastifyInstance, deps: ServicesDeps): Promise<void> {
  const app = appBase.withTypeProvider<ZodTypeProvider>();
  const security = API_SECURITY;
  const idParams = z.object({ id: z.string().min(1).max(100) });

  app.addHook('onRequest', adminOnly);

  function view(instance: ServiceInstance): View {
    const connected = deps.connections.get(instance.id);
    return {
      id: instance.id,
      kind: instance.kind,
      name: instance.name,
      origin: instance.origin,
      url: instance.url,
      username: instance.username,
      secretsSet: SECRET_FIELDS.filter((field) => Boolean(instance.secrets[field])),
      status: connected?.connection.status() ?? {
        circuit: 'closed',
        lastSuccessAt: null,
        lastErrorAt: null,
        lastError: null,
        lastErrorKind: null,
      },
    };
  }

  async function test(run: () => Promise<{ version: string }>): Promise<TestResult> {
    try {
      const { version } = await run();
      return { ok: true, version };
    } catch (error) {
      if (isIntegrationError(error))
        return { ok: false, error: { kind: error.kind, message: error.message } };
      throw error;
    }
  }

  const problem = (error: unknown) => {
    if (!(error instanceof ServiceInputError)) throw error;
    const status = ({ invalid_service: 400, read_only: 409, not_found: 404 } as const)[error.code];
    return { status, body: errorBody(error.code, error.message) };
  };

  app.get(
    '/api/services/catalog',
    {
      schema: {
        tags: ['services'],
        summary: 'Every kind of service, with the fields its settings form needs',
        security,
        response: { 200: catalogSchema },
      },
    },
    async () => Object.values(SERVICE_CATALOG).map((entry) => ({ ...entry, fields: [...entry.fields] })),
  );

  app.get(
    '/api/services',
    {
      schema: {
        tags: ['services'],
        summary: 'Configured service instances (environment and added here); secrets are never returned',
        security,
        response: { 200: z.object({ items: z.array(serviceViewSchema) }) },
      },
    },
    async () => ({ items: deps.directory.list().map(view) }),
  );

  app.post(
    '/api/services',
    {
      schema: {
        tags: ['services'],
        summary: 'Add a service instance (a second Radarr for 4K, a qBittorrent behind a VPN, ...)',
        security,
        body: serviceInputSchema,
        response: { 201: serviceViewSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(201).send(view(deps.directory.create(request.body)));
      } catch (error) {
        const p = problem(error);
        return reply.code(p.status).send(p.body);
      }
    },
  );

  app.post(
    '/api/services/test',
    {
      schema: {
        tags: ['services'],
        summary: 'Test settings before saving them',
        security,
        body: serviceInputSchema,
        response: { 200: connectionTestSchema, 400: errorSchema },
      },
    },
    async (request) => {
      const { kind, name, url, username, password, apiKey } = request.body;
      const secrets: ServiceInstance['secrets'] = {};
      if (password) secrets.password = password;
      if (apiKey) secrets.apiKey = apiKey;
      const instance: ServiceInstance = {
        id: 'unsaved',
        kind,
        name,
        origin: 'api',
        url,
        username: username ?? null,
        secrets,
        version: 'unsaved',
      };
      return test(() => connect(instance, deps.resilience).connection.testConnection());
    },
  );

  app.get(
    '/api/services/:id',
    {
      schema: {
        tags: ['services'],
        summary: 'One service instance',
        security,
        params: idParams,
        response: { 200: serviceViewSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const instance = deps.directory.get(request.params.id);
      if (!instance) return reply.code(404).send(errorBody('not_found', 'no such service'));
      return view(instance);
    },
  );

  app.put(
    '/api/services/:id',
    {
      schema: {
        tags: ['services'],
        summary: 'Change a service instance; a secret left out is kept, null clears it',
        security,
        params: idParams,
        body: serviceChangeSchema,
        response: { 200: serviceViewSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      try {
        return view(deps.directory.update(request.params.id, request.body));
      } catch (error) {
        const p = problem(error);
        return reply.code(p.status).send(p.body);
      }
    },
  );

  app.delete(
    '/api/services/:id',
    {
      schema: {
        tags: ['services'],
        summary: 'Remove a service instance added here',
        security,
        params: idParams,
        response: { 204: z.null(), 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      try {
        deps.directory.remove(request.params.id);
        return reply.code(204).send(null);
      } catch (error) {
        const p = problem(error);
        return reply.code(p.status).send(p.body);
      }
    },
  );

  app.post(
    '/api/services/:id/test',
    {
      schema: {
        tags: ['services'],
        summary:
          'Test the connection: ok with the version, or unreachable / unauthorized / bad_response / timeout',
        security,
        params: idParams,
        response: { 200: connectionTestSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const connected = deps.connections.get(request.params.id);
      if (!connected) return reply.code(404).send(errorBody('not_found', 'no such service'));
      return test(() => connected.connection.testConnection());
    },
  );
}
