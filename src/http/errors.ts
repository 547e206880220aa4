import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/** The error body of every 4xx/5xx: `{ error: "what went wrong", code: "machine_code" }` (api.md). */
export interface ErrorBody {
  error: string;
  code: string;
}

export function errorBody(code: string, error: string): ErrorBody {
  return { error, code };
}

/** One place that turns errors into answers; nothing internal (stack, secrets) reaches the client. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const detail = error.validation
        .map((v) => `${v.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'value'}: ${v.message}`)
        .join('; ');
      return reply.code(400).send(errorBody('invalid_request', detail));
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.code(413).send(errorBody('body_too_large', 'body larger than 1 MiB'));
    if (status >= 400 && status < 500) {
      return reply.code(status).send(errorBody(error.code?.toLowerCase() ?? 'bad_request', error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(errorBody('internal', 'internal error'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .send(errorBody('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
