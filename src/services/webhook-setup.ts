/**
 * What a person types into each app that sends webhooks to the tracker, and which boxes to tick. The
 * settings page shows it with copy buttons; the README says the same in prose. The event names are the
 * ones each app shows in its own UI (contracts.md §1–§4).
 */
import { JELLYFIN_ITEM_ADDED_TEMPLATE } from '../integrations/jellyfin/jellyfin.webhook-template.js';

export type WebhookSource = 'jellyseerr' | 'radarr' | 'sonarr' | 'jellyfin';

export interface WebhookSetupField {
  label: string;
  value: string;
  /** Holds the webhook token: shown masked until asked. */
  secret: boolean;
}

export interface WebhookSetup {
  source: WebhookSource;
  app: string;
  /** The URL to paste, with the token in it where the app has no other place for it. */
  url: string;
  where: string;
  fields: WebhookSetupField[];
  tick: string[];
  notes: string | null;
}

export function webhookSetups({ baseUrl, token }: { baseUrl: string; token: string }): WebhookSetup[] {
  const hook = (source: WebhookSource) => `${baseUrl.replace(/\/+$/, '')}/hooks/${source}`;
  const arrFields = (source: WebhookSource) => [
    { label: 'URL', value: hook(source), secret: false },
    { label: 'Method', value: 'POST', secret: false },
    { label: 'Username', value: 'status-tracker', secret: false },
    { label: 'Password', value: token, secret: true },
  ];
  return [
    {
      source: 'jellyseerr',
      app: 'Jellyseerr',
      url: hook('jellyseerr'),
      where: 'Settings → Notifications → Webhook',
      fields: [
        { label: 'Webhook URL', value: hook('jellyseerr'), secret: false },
        { label: 'Authorization Header', value: `Bearer ${token}`, secret: true },
        { label: 'JSON Payload', value: 'leave the default', secret: false },
      ],
      tick: [
        'Request Pending Approval',
        'Request Automatically Approved',
        'Request Approved',
        'Request Declined',
        'Request Available',
        'Request Processing Failed',
      ],
      notes:
        'Tick "Enable Agent". Jellyseerr sends nothing but the test until notification types are ticked.',
    },
    {
      source: 'radarr',
      app: 'Radarr',
      url: hook('radarr'),
      where: 'Settings → Connect → + → Webhook',
      fields: arrFields('radarr'),
      tick: [
        'On Grab',
        'On File Import',
        'On File Upgrade',
        'On Movie Added',
        'On Movie Delete',
        'On Movie File Delete',
        'On Health Issue',
        'On Manual Interaction Required',
      ],
      notes: 'Any username works; the password is the webhook token. PUT works too.',
    },
    {
      source: 'sonarr',
      app: 'Sonarr',
      url: hook('sonarr'),
      where: 'Settings → Connect → + → Webhook',
      fields: arrFields('sonarr'),
      tick: [
        'On Grab',
        'On File Import',
        'On Import Complete',
        'On File Upgrade',
        'On Series Add',
        'On Series Delete',
        'On Episode File Delete',
        'On Health Issue',
        'On Manual Interaction Required',
      ],
      notes: 'Any username works; the password is the webhook token.',
    },
    {
      source: 'jellyfin',
      app: 'Jellyfin',
      url: `${hook('jellyfin')}?token=${encodeURIComponent(token)}`,
      where: 'Dashboard → Plugins → Webhook → Add Generic Destination',
      fields: [
        {
          label: 'Webhook URL',
          value: `${hook('jellyfin')}?token=${encodeURIComponent(token)}`,
          secret: true,
        },
        { label: 'Template', value: JELLYFIN_ITEM_ADDED_TEMPLATE, secret: false },
      ],
      tick: ['Notification Type: Item Added', 'Item Type: Movies', 'Item Type: Episodes'],
      notes:
        'The plugin has no header field for a token, so it goes in the URL. It sends text/plain, which is fine.',
    },
  ];
}
