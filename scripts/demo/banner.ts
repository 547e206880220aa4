import { DEMO_JELLYFIN_USER, type DemoStack } from './stack.js';

/** What a newcomer needs to read once the demo is up. */
export function banner(stack: DemoStack): string {
  return [
    '',
    '  Status Tracker demo: a simulated media stack is playing requests. Nothing here is real.',
    '',
    `  Open          ${stack.url}`,
    `  Sign in       admin / ${stack.adminPassword}   (or the Jellyfin user ${DEMO_JELLYFIN_USER.name} / ${DEMO_JELLYFIN_USER.password})`,
    `  API key       ${stack.apiKey}   (e.g. curl -H 'X-Api-Key: ${stack.apiKey}' ${stack.url}/api/requests)`,
    '',
    '  Jellyseerr, Radarr, Sonarr, qBittorrent, Shoko and Jellyfin are fakes on local ports; they send',
    '  the tracker the webhooks the real ones would and answer its calls. The data lives in a temporary',
    '  folder that is deleted on exit.',
    '',
    '  Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
