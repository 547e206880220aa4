/**
 * A contract fake of the Radarr/Sonarr REST API v3, following the official OpenAPI documents in
 * shared/contracts (Radarr v5.28 `openapi-v3.radarr-v5.28.0.10274.json`, Sonarr v4
 * `openapi-v3.sonarr-v4-main.json`): camelCase resources, `X-Api-Key` header or `?apikey=`, 401 with
 * an empty body for a wrong key. Only what the tracker calls so far: `GET /api/v3/system/status`
 * (`SystemResource`).
 */
import { createServer, type Server } from 'node:http';

export interface ArrApiFake {
  url: string;
  /** Requests seen, newest last: method and path with query. */
  calls: string[];
  close(): Promise<void>;
}

export async function startArrApiFake({
  app,
  apiKey,
  version = app === 'Radarr' ? '5.28.0.10274' : '4.0.19.2849',
}: {
  app: 'Radarr' | 'Sonarr';
  apiKey: string;
  version?: string;
}): Promise<ArrApiFake> {
  const calls: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    const key = req.headers['x-api-key'] ?? url.searchParams.get('apikey');
    if (key !== apiKey) {
      res.writeHead(401).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/v3/system/status') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(
        JSON.stringify({
          appName: app,
          instanceName: app,
          version,
          buildTime: '2025-11-01T00:00:00Z',
          isDebug: false,
          isProduction: true,
          isAdmin: false,
          isUserInteractive: false,
          startupPath: `/app/${app.toLowerCase()}/bin`,
          appData: '/config',
          osName: 'debian',
          osVersion: '12',
          isNetCore: true,
          isLinux: true,
          isOsx: false,
          isWindows: false,
          isDocker: true,
          mode: 'console',
          branch: 'master',
          databaseType: 'sqLite',
          databaseVersion: '3.46.1',
          authentication: 'forms',
          migrationVersion: 242,
          urlBase: '',
          runtimeVersion: '8.0.12',
          runtimeName: '.NET',
          startTime: '2026-03-01T08:00:00Z',
          packageUpdateMechanism: 'docker',
        }),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
