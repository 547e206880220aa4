import { createContext, type ReactNode, useContext } from 'react';
import type { ApiClient } from './api';

const ApiContext = createContext<ApiClient | null>(null);

/** Hands the app's one API client to every hook; tests give it a client over a fake fetch. */
export function ApiProvider({ client, children }: { client: ApiClient; children: ReactNode }) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}

export function useApi(): ApiClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi outside ApiProvider');
  return client;
}
