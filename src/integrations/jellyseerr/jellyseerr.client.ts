/**
 * Jellyseerr/Overseerr/Seerr API v1 (contracts.md §3.2, seerr-api.yml): `X-Api-Key` header.
 * `GET /status` answers without a key, so the key is checked on `GET /settings/main` (admin only).
 */
import { z } from 'zod';
import type { ServiceConnection } from '../service-connection.js';
import { IntegrationError } from '../shared/integration-error.js';
import {
  createServiceHttp,
  type HttpAnswer,
  parseJsonAnswer,
  type ResilienceOptions,
} from '../shared/service-http.js';

const statusSchema = z.looseObject({ version: z.string() });

export function createJellyseerrClient({
  url,
  apiKey,
  resilience,
}: {
  url: string;
  apiKey: string;
  resilience?: ResilienceOptions | undefined;
}): ServiceConnection {
  const http = createServiceHttp({ baseUrl: url, resilience });
  const headers = { 'X-Api-Key': apiKey, Accept: 'application/json' };
  const ok = (answer: HttpAnswer, what: string) => {
    if (answer.status === 401 || answer.status === 403) {
      throw new IntegrationError('unauthorized', 'Jellyseerr refused the API key', { status: answer.status });
    }
    if (answer.status !== 200) {
      throw new IntegrationError('bad_response', `Jellyseerr ${what} answered HTTP ${answer.status}`, {
        status: answer.status,
      });
    }
    return parseJsonAnswer(answer, `Jellyseerr ${what}`);
  };
  return {
    status: http.status,
    async testConnection() {
      await http.call('api/v1/settings/main', { headers }, (answer) => ok(answer, 'settings'));
      return http.call('api/v1/status', { headers }, (answer) => {
        const parsed = statusSchema.safeParse(ok(answer, 'status'));
        if (!parsed.success) throw new IntegrationError('bad_response', 'not a Jellyseerr status answer');
        return { version: parsed.data.version };
      });
    },
  };
}
