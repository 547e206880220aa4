import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { SecretBox } from './secret-box.js';
import type { ServiceStore } from './service.store.js';
import {
  SECRET_FIELDS,
  SERVICE_CATALOG,
  SERVICE_KINDS,
  type SecretField,
  type ServiceKind,
} from './service-catalog.js';

/** One configured service instance, secrets in the clear (in memory only). */
export interface ServiceInstance {
  id: string;
  kind: ServiceKind;
  name: string;
  /** `env`: from environment variables, read-only here; `api`: added through /api/services. */
  origin: 'env' | 'api';
  url: string;
  username: string | null;
  secrets: Partial<Record<SecretField, string>>;
  /** Changes whenever the instance does: connections are rebuilt then. */
  version: string;
}

export interface ServiceInput {
  kind: ServiceKind;
  name: string;
  url: string;
  username?: string | null | undefined;
  password?: string | null | undefined;
  apiKey?: string | null | undefined;
}

/** For an update: a secret left out is kept, `null` clears it. */
export type ServiceChange = Omit<ServiceInput, 'kind'>;

export class ServiceInputError extends Error {
  constructor(
    readonly code: 'invalid_service' | 'read_only' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Every service instance the tracker knows: one per kind from the environment (api.md) plus any
 * number added through the API, stored with their secrets sealed.
 */
export function createServiceDirectory({
  config,
  store,
  box,
  clock,
}: {
  config: Config;
  store: ServiceStore;
  box: SecretBox;
  clock: Clock;
}) {
  const listeners = new Set<() => void>();

  const fromEnv: ServiceInstance[] = SERVICE_KINDS.flatMap((kind) => {
    const env = SERVICE_CATALOG[kind].env;
    const read = (key: keyof typeof env) => {
      const name = env[key];
      return name ? ((config as unknown as Record<string, string | undefined>)[name] ?? null) : null;
    };
    const url = read('url');
    if (!url) return [];
    const secrets: ServiceInstance['secrets'] = {};
    for (const field of SECRET_FIELDS) {
      const value = read(field);
      if (value) secrets[field] = value;
    }
    return [
      {
        id: `env-${kind}`,
        kind,
        name: SERVICE_CATALOG[kind].displayName,
        origin: 'env' as const,
        url,
        username: read('username'),
        secrets,
        version: 'env',
      },
    ];
  });

  function open(row: ReturnType<ServiceStore['list']>[number]): ServiceInstance {
    const secrets = row.secrets
      ? (JSON.parse(box.open({ sealed: row.secrets, context: row.id })) as ServiceInstance['secrets'])
      : {};
    return {
      id: row.id,
      kind: row.kind as ServiceKind,
      name: row.name,
      origin: 'api',
      url: row.url,
      username: row.username,
      secrets,
      version: row.updatedAt,
    };
  }

  function validate(input: ServiceInput): void {
    const entry = SERVICE_CATALOG[input.kind];
    const problems: string[] = [];
    if (input.name.trim() === '') problems.push('name: must not be empty');
    for (const field of entry.fields) {
      const value = input[field.key];
      if (field.required && (value === undefined || value === null || value === '')) {
        problems.push(`${field.key}: required for ${entry.displayName}`);
      }
    }
    const allowed = new Set<string>(entry.fields.map((f) => f.key));
    for (const key of ['username', 'password', 'apiKey'] as const) {
      if (input[key] && !allowed.has(key)) problems.push(`${key}: ${entry.displayName} does not use it`);
    }
    if (problems.length > 0) throw new ServiceInputError('invalid_service', problems.join('; '));
  }

  function seal(id: string, input: ServiceInput): string | null {
    const secrets: ServiceInstance['secrets'] = {};
    for (const field of SECRET_FIELDS) {
      const value = input[field];
      if (value) secrets[field] = value;
    }
    return Object.keys(secrets).length > 0 ? box.seal({ plain: JSON.stringify(secrets), context: id }) : null;
  }

  const changed = () => {
    for (const listener of listeners) listener();
  };

  function mustBeStored(id: string) {
    if (fromEnv.some((s) => s.id === id)) {
      throw new ServiceInputError('read_only', 'configured by environment variables; change it there');
    }
    const row = store.get(id);
    if (!row) throw new ServiceInputError('not_found', 'no such service');
    return row;
  }

  return {
    list(): ServiceInstance[] {
      return [...fromEnv, ...store.list().map(open)];
    },
    get(id: string): ServiceInstance | undefined {
      const env = fromEnv.find((s) => s.id === id);
      if (env) return env;
      const row = store.get(id);
      return row ? open(row) : undefined;
    },
    create(input: ServiceInput): ServiceInstance {
      validate(input);
      const id = randomUUID();
      const at = clock.now().toISOString();
      store.insert({
        id,
        kind: input.kind,
        name: input.name.trim(),
        url: input.url,
        username: input.username || null,
        secrets: seal(id, input),
        createdAt: at,
        updatedAt: at,
      });
      changed();
      return open(store.get(id)!);
    },
    update(id: string, change: ServiceChange): ServiceInstance {
      const current = open(mustBeStored(id));
      const merged: ServiceInput = {
        kind: current.kind,
        name: change.name,
        url: change.url,
        username: change.username === undefined ? current.username : change.username,
        password: change.password === undefined ? current.secrets.password : change.password,
        apiKey: change.apiKey === undefined ? current.secrets.apiKey : change.apiKey,
      };
      validate(merged);
      // Strictly later than the previous version, so cached connections notice even within one ms.
      const at = new Date(Math.max(clock.now().getTime(), Date.parse(current.version) + 1)).toISOString();
      store.update(id, {
        kind: current.kind,
        name: merged.name.trim(),
        url: merged.url,
        username: merged.username || null,
        secrets: seal(id, merged),
        updatedAt: at,
      });
      changed();
      return open(store.get(id)!);
    },
    remove(id: string): void {
      mustBeStored(id);
      store.remove(id);
      changed();
    },
    /** Called after every create, update and delete. */
    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ServiceDirectory = ReturnType<typeof createServiceDirectory>;
