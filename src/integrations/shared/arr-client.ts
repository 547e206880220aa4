/**
 * Radarr/Sonarr REST API v3 (contracts.md §2; Radarr v5 / Sonarr v4 OpenAPI in shared/contracts):
 * the part every *arr client shares. Auth is the `X-Api-Key` header.
 */
import { z } from 'zod';
import type { ServiceConnection } from '../service-connection.js';
import { IntegrationError } from './integration-error.js';
import { createServiceHttp, parseJsonAnswer, type ResilienceOptions } from './service-http.js';

/** `SystemResource`, the fields we read. */
const systemStatusSchema = z.looseObject({ appName: z.string(), version: z.string() });

export function createArrClient({
  app,
  url,
  apiKey,
  resilience,
}: {
  app: 'Radarr' | 'Sonarr';
  url: string;
  apiKey: string;
  resilience?: ResilienceOptions | undefined;
}): ServiceConnection {
  const http = createServiceHttp({ baseUrl: url, resilience });
  const headers = { 'X-Api-Key': apiKey, Accept: 'application/json' };
  return {
    status: http.status,
    testConnection: () =>
      http.call('api/v3/system/status', { headers }, (answer) => {
        if (answer.status === 401 || answer.status === 403) {
          throw new IntegrationError('unauthorized', `${app} refused the API key`, { status: answer.status });
        }
        if (answer.status !== 200) {
          throw new IntegrationError('bad_response', `${app} answered HTTP ${answer.status}`, {
            status: answer.status,
          });
        }
        const parsed = systemStatusSchema.safeParse(parseJsonAnswer(answer, `${app} system/status`));
        if (!parsed.success) throw new IntegrationError('bad_response', `not a ${app} system status answer`);
        if (parsed.data.appName.toLowerCase() !== app.toLowerCase()) {
          throw new IntegrationError('bad_response', `this is ${parsed.data.appName}, not ${app}`);
        }
        return { version: parsed.data.version };
      }),
  };
}
