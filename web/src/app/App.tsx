import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { ApiProvider } from '../api/ApiProvider';
import { createClients } from '../api/clients';
import { LiveEventsProvider } from '../api/LiveEventsProvider';
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
