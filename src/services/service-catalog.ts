import {
  DOWNLOADER_KINDS,
  DOWNLOADER_PROTOCOL,
  type DownloaderKind,
} from '../integrations/downloader/downloader.js';

/** Every kind of service the tracker talks to. */
export const SERVICE_KINDS = [
  'jellyseerr',
  'radarr',
  'sonarr',
  'jellyfin',
  'shoko',
  ...DOWNLOADER_KINDS,
] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export type ServiceField = 'url' | 'username' | 'password' | 'apiKey';
/** Fields that are encrypted at rest and never returned by the API. */
export const SECRET_FIELDS = ['password', 'apiKey'] as const satisfies readonly ServiceField[];
export type SecretField = (typeof SECRET_FIELDS)[number];

export interface FieldSpec {
  key: ServiceField;
  label: string;
  required: boolean;
  secret: boolean;
  help?: string;
}

export interface CatalogEntry {
  kind: ServiceKind;
  displayName: string;
  category: 'requests' | 'arr' | 'media_server' | 'anime' | 'download_client';
  /** Torrent or Usenet, for download clients. */
  protocol: 'torrent' | 'usenet' | null;
  /** Drives the settings form: which fields, in which order. */
  fields: FieldSpec[];
  defaultUrl: string;
  /** Environment variables of the one instance configured that way (api.md). */
  env: Partial<Record<ServiceField, string>>;
  docsUrl: string;
}

const url = (example: string): FieldSpec => ({
  key: 'url',
  label: 'URL',
  required: true,
  secret: false,
  help: example,
});
const apiKey = (help: string): FieldSpec => ({
  key: 'apiKey',
  label: 'API key',
  required: true,
  secret: true,
  help,
});
const username = (required: boolean): FieldSpec => ({
  key: 'username',
  label: 'Username',
  required,
  secret: false,
});
const password = (required: boolean): FieldSpec => ({
  key: 'password',
  label: 'Password',
  required,
  secret: true,
});

function envOf(prefix: string, fields: FieldSpec[]): CatalogEntry['env'] {
  const suffix: Record<ServiceField, string> = {
    url: 'URL',
    username: 'USERNAME',
    password: 'PASSWORD',
    apiKey: 'API_KEY',
  };
  return Object.fromEntries(fields.map((f) => [f.key, `${prefix}_${suffix[f.key]}`]));
}

function entry(e: Omit<CatalogEntry, 'env' | 'protocol'>): CatalogEntry {
  const protocol = (DOWNLOADER_KINDS as readonly string[]).includes(e.kind)
    ? DOWNLOADER_PROTOCOL[e.kind as DownloaderKind]
    : null;
  return { ...e, protocol, env: envOf(e.kind.toUpperCase(), e.fields) };
}

/** The integration catalog: one line per kind; the settings UI and the API validate against it. */
export const SERVICE_CATALOG = {
  jellyseerr: entry({
    kind: 'jellyseerr',
    displayName: 'Jellyseerr',
    category: 'requests',
    fields: [url('http://jellyseerr:5055'), apiKey('Settings → General → API Key')],
    defaultUrl: 'http://localhost:5055',
    docsUrl: 'https://docs.jellyseerr.dev/',
  }),
  radarr: entry({
    kind: 'radarr',
    displayName: 'Radarr',
    category: 'arr',
    fields: [url('http://radarr:7878'), apiKey('Settings → General → API Key')],
    defaultUrl: 'http://localhost:7878',
    docsUrl: 'https://wiki.servarr.com/radarr',
  }),
  sonarr: entry({
    kind: 'sonarr',
    displayName: 'Sonarr',
    category: 'arr',
    fields: [url('http://sonarr:8989'), apiKey('Settings → General → API Key')],
    defaultUrl: 'http://localhost:8989',
    docsUrl: 'https://wiki.servarr.com/sonarr',
  }),
  jellyfin: entry({
    kind: 'jellyfin',
    displayName: 'Jellyfin',
    category: 'media_server',
    fields: [url('http://jellyfin:8096'), apiKey('Dashboard → API Keys')],
    defaultUrl: 'http://localhost:8096',
    docsUrl: 'https://jellyfin.org/docs/',
  }),
  shoko: entry({
    kind: 'shoko',
    displayName: 'Shoko Server',
    category: 'anime',
    fields: [url('http://shoko:8111'), apiKey('an API key from POST /api/auth')],
    defaultUrl: 'http://localhost:8111',
    docsUrl: 'https://docs.shokoanime.com/',
  }),
  qbittorrent: entry({
    kind: 'qbittorrent',
    displayName: 'qBittorrent',
    category: 'download_client',
    fields: [url('http://qbittorrent:8080'), username(false), password(false)],
    defaultUrl: 'http://localhost:8080',
    docsUrl: 'https://github.com/qbittorrent/qBittorrent/wiki/WebUI-API-(qBittorrent-5.0)',
  }),
  transmission: entry({
    kind: 'transmission',
    displayName: 'Transmission',
    category: 'download_client',
    fields: [url('http://transmission:9091/transmission/rpc'), username(false), password(false)],
    defaultUrl: 'http://localhost:9091/transmission/rpc',
    docsUrl: 'https://github.com/transmission/transmission/blob/main/docs/rpc-spec.md',
  }),
  deluge: entry({
    kind: 'deluge',
    displayName: 'Deluge',
    category: 'download_client',
    fields: [url('http://deluge:8112'), password(true)],
    defaultUrl: 'http://localhost:8112',
    docsUrl: 'https://deluge.readthedocs.io/',
  }),
  sabnzbd: entry({
    kind: 'sabnzbd',
    displayName: 'SABnzbd',
    category: 'download_client',
    fields: [url('http://sabnzbd:8080'), apiKey('Config → General → API Key')],
    defaultUrl: 'http://localhost:8080',
    docsUrl: 'https://sabnzbd.org/wiki/configuration/4.5/api',
  }),
  nzbget: entry({
    kind: 'nzbget',
    displayName: 'NZBGet',
    category: 'download_client',
    fields: [url('http://nzbget:6789'), username(false), password(false)],
    defaultUrl: 'http://localhost:6789',
    docsUrl: 'https://nzbget.com/documentation/api/',
  }),
} as const satisfies Record<ServiceKind, CatalogEntry>;

export function isServiceKind(value: string): value is ServiceKind {
  return (SERVICE_KINDS as readonly string[]).includes(value);
}

export function isDownloaderKind(kind: ServiceKind): kind is DownloaderKind {
  return (DOWNLOADER_KINDS as readonly string[]).includes(kind);
}
