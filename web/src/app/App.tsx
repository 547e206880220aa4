import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiProvider } from '../api/ApiProvider';
import { createApiClient, isApiError } from '../api/api';
import { LiveEventsProvider } from '../api/LiveEventsProvider';
import { queryKeys } from '../api/query-keys';
import { markSignedOut } from '../api/session.queries';
import type { Session } from '../api/types';
import { LoginPage } from '../auth/LoginPage';
import { BoardPage } from '../board/BoardPage';
import { HealthPage } from '../health/HealthPage';
import { HistoryPage } from '../history/HistoryPage';
import { ProblemsPage } from '../problems/ProblemsPage';
import { RequestDetailPage } from '../request/RequestDetailPage';
import { SettingsPage } from '../settings/SettingsPage';
import { RequireAdmin, RequireAuth } from './guards';
import { Layout } from './Layout';
import { NotFoundPage } from './NotFoundPage';

/** Client errors (401, 403, 404, 409) will not change on a retry; network and 5xx might. */
function shouldRetry(failures: number, error: unknown): boolean {
  if (isApiError(error) && error.status >= 400 && error.status < 500) return false;
  return failures < 2;
}

export function createClients() {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: { retry: shouldRetry, staleTime: 10_000 },
      mutations: { retry: false },
    },
  });
  const api = createApiClient({
    csrfToken: () => queryClient.getQueryData<Session>(queryKeys.session)?.csrfToken ?? null,
    onUnauthorized: () => markSignedOut(queryClient),
  });
  return { queryClient, api };
}

export function App() {
  const [{ queryClient, api }] = useState(createClients);
  return (
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        <BrowserRouter>
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route
              element={
                <RequireAuth>
                  <LiveEventsProvider>
                    <Layout />
                  </LiveEventsProvider>
                </RequireAuth>
              }
            >
              <Route index element={<BoardPage />} />
              <Route path="requests/:id" element={<RequestDetailPage />} />
              <Route path="problems" element={<ProblemsPage />} />
              <Route path="history" element={<HistoryPage />} />
              <Route path="health" element={<HealthPage />} />
              <Route
                path="settings"
                element={
                  <RequireAdmin>
                    <SettingsPage />
                  </RequireAdmin>
                }
              />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </ApiProvider>
    </QueryClientProvider>
  );
}
