import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { ApiProvider } from '../api/ApiProvider';
import { createApiClient } from '../api/api';

export interface FakeCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

type Answer =
  | { status: number; body?: unknown }
  | (() => { status: number; body?: unknown } | Promise<never>);

/**
 * A fetch that answers from a table keyed by "METHOD /path" and records every call. An unknown
 * route fails the test loudly instead of hanging.
 */
export function fakeFetch(routes: Record<string, Answer>) {
  const calls: FakeCall[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = String(input);
    const method = init.method ?? 'GET';
    calls.push({
      method,
      path,
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    });
    const route = routes[`${method} ${path}`];
    if (route === undefined) throw new Error(`fakeFetch: no answer for ${method} ${path}`);
    const answer = typeof route === 'function' ? await route() : route;
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
}

/** Renders with the app's providers over a fake fetch and an in-memory router. */
export function renderWithApp(
  ui: ReactElement,
  {
    fetch,
    csrfToken = 'csrf-123',
    queryClient = testQueryClient(),
    route = '/',
  }: { fetch: typeof globalThis.fetch; csrfToken?: string | null; queryClient?: QueryClient; route?: string },
) {
  const api = createApiClient({ fetch, csrfToken: () => csrfToken });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
      </ApiProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
