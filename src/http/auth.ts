import type { FastifyRequest } from 'fastify';
import { sameSecret } from '../auth/same-secret.js';

/**
 * Every place a secret can arrive in: `Authorization: Bearer`, HTTP basic (the password; Radarr and
 * Sonarr's username/password fields), `X-Api-Key`, `?token=` and `?apikey=`.
 */
export function presentedSecrets(request: FastifyRequest): string[] {
  const found: string[] = [];
  const header = request.headers.authorization;
  if (header) {
    const [scheme, value = ''] = header.trim().split(/\s+/, 2);
    if (scheme?.toLowerCase() === 'bearer') found.push(value);
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('latin1');
      const colon = decoded.indexOf(':');
      if (colon >= 0) found.push(decoded.slice(colon + 1));
    }
  }
  const apiKeyHeader = request.headers['x-api-key'];
  if (typeof apiKeyHeader === 'string') found.push(apiKeyHeader);
  const query = request.query as Record<string, unknown> | undefined;
  for (const name of ['token', 'apikey']) {
    const value = query?.[name];
    if (typeof value === 'string') found.push(value);
  }
  return found.filter((s) => s.length > 0);
}

export function hasSecret(request: FastifyRequest, accepted: string[]): boolean {
  return presentedSecrets(request).some((s) => accepted.some((a) => sameSecret(s, a)));
}
