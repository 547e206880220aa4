import { describe, expect, it, vi } from 'vitest';
import { fakeFetch } from '../test/render';
import { ApiError, createApiClient, withQuery } from './api';

describe('the fetch wrapper', () => {
  it('sends the CSRF token with writes only', async () => {
    const { fetch, calls } = fakeFetch({
      'GET /api/requests': { status: 200, body: { items: [], total: 0 } },
      'POST /api/auth/logout': { status: 204 },
    });
    const api = createApiClient({ fetch, csrfToken: () => 'tok' });
    await api.get('/api/requests');
    await api.post('/api/auth/logout');
    expect(calls[0]?.headers['x-csrf-token']).toBeUndefined();
    expect(calls[1]?.headers['x-csrf-token']).toBe('tok');
  });

  it('turns an error body into a typed error', async () => {
    const { fetch } = fakeFetch({
      'POST /api/services': {
        status: 400,
        body: { error: 'url: required for Radarr', code: 'invalid_service' },
      },
    });
    const api = createApiClient({ fetch, csrfToken: () => null });
    const error = await api.post('/api/services', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_service',
      message: 'url: required for Radarr',
    });
  });

  it('reports a 401 outside /api/auth as a lost session, but not a failed sign-in', async () => {
    const { fetch } = fakeFetch({
      'GET /api/requests': { status: 401, body: { error: 'no session', code: 'unauthorized' } },
      'POST /api/auth/login': { status: 401, body: { error: 'wrong', code: 'invalid_credentials' } },
    });
    const onUnauthorized = vi.fn();
    const api = createApiClient({ fetch, csrfToken: () => null, onUnauthorized });
    await expect(api.post('/api/auth/login', {})).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(onUnauthorized).not.toHaveBeenCalled();
    await expect(api.get('/api/requests')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('says when the tracker cannot be reached', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof globalThis.fetch;
    const api = createApiClient({ fetch, csrfToken: () => null });
    await expect(api.get('/api/health')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('leaves empty query values out', () => {
    expect(withQuery('/api/requests', { active: true, q: '', state: undefined, limit: 25 })).toBe(
      '/api/requests?active=true&limit=25',
    );
  });
});
