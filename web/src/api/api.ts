/**
 * The one fetch wrapper: JSON in and out, the session cookie (same origin), `X-CSRF-Token` on every
 * write, and error bodies `{ error, code }` turned into an `ApiError` the pages can put into words.
 */

export class ApiError extends Error {
  /** HTTP status; 0 when the tracker could not be reached at all. */
  readonly status: number;
  /** The server's machine code (`invalid_credentials`, `not_applicable`, ...), or `http_<status>` / `network`. */
  readonly code: string;

  constructor({ status, code, message }: { status: number; code: string; message: string }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export interface ApiClientOptions {
  /** Defaults to the global fetch, looked up on each call (tests stub it). */
  fetch?: typeof fetch;
  /** The session's CSRF token, sent with every non-GET request. */
  csrfToken: () => string | null;
  /** A 401 outside `/api/auth/*`: the session ended; the app sends the viewer to sign in. */
  onUnauthorized?: () => void;
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** `/api/requests` + `{ active: true, q: '' }` → `/api/requests?active=true` (empty values left out). */
export function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toError(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object') {
    const { error, code } = body as { error?: unknown; code?: unknown };
    if (typeof code === 'string' || typeof error === 'string') {
      return new ApiError({
        status,
        code: typeof code === 'string' ? code : `http_${status}`,
        message: typeof error === 'string' ? error : `The tracker answered ${status}.`,
      });
    }
  }
  return new ApiError({ status, code: `http_${status}`, message: `The tracker answered ${status}.` });
}

export function createApiClient(options: ApiClientOptions) {
  async function request<T>(
    method: string,
    path: string,
    { body, signal }: { body?: unknown; signal?: AbortSignal } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') {
      const token = options.csrfToken();
      if (token) headers['x-csrf-token'] = token;
    }
    const doFetch = options.fetch ?? globalThis.fetch;
    let response: Response;
    try {
      response = await doFetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError({ status: 0, code: 'network', message: 'Cannot reach the tracker.' });
    }
    const parsed = await readBody(response);
    if (response.ok) return parsed as T;
    if (response.status === 401 && !path.startsWith('/api/auth/')) options.onUnauthorized?.();
    throw toError(response.status, parsed);
  }

  return {
    get: <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, signal ? { signal } : {}),
    post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
    put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
    delete: <T = void>(path: string) => request<T>('DELETE', path),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** Words for failures every page can hit; pages add their own for codes only they know. */
export function describeError(error: unknown): string {
  if (!isApiError(error)) return 'Something went wrong. Try again.';
  if (error.code === 'network') return 'Cannot reach the tracker. Check that it is running, then try again.';
  if (error.code === 'csrf') return 'Your session is out of date. Reload the page and try again.';
  if (error.status === 403) return 'You do not have access to this. Ask the admin.';
  if (error.status === 404) return 'Not found. It may have been removed.';
  if (error.status >= 500) return `The tracker had a problem (${error.status}). Try again in a moment.`;
  return error.message;
}
