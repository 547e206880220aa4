import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from './ApiProvider';
import { queryKeys } from './query-keys';
import type { CatalogEntry, ConnectionTest, Service, ServiceInput, WebhookSetup } from './types';

export function useServices({ enabled = true }: { enabled?: boolean } = {}) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.services,
    queryFn: ({ signal }) => api.get<{ items: Service[] }>('/api/services', signal),
    select: (data) => data.items,
    enabled,
  });
}

export function useCatalog() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.catalog,
    queryFn: ({ signal }) => api.get<CatalogEntry[]>('/api/services/catalog', signal),
    // The catalog is part of the server's code: it changes only with a new version.
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useWebhookSetups() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.webhooks,
    queryFn: ({ signal }) => api.get<WebhookSetup[]>('/api/webhooks', signal),
  });
}

export function useSaveService() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: ServiceInput }) =>
      id === null
        ? api.post<Service>('/api/services', input)
        : api.put<Service>(`/api/services/${encodeURIComponent(id)}`, input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.services }),
        queryClient.invalidateQueries({ queryKey: queryKeys.health }),
      ]),
  });
}

export function useDeleteService() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/services/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.services }),
  });
}

/** A saved instance by id, or unsaved settings from the form. */
export type ConnectionTestTarget = { id: string } | { input: ServiceInput & { kind: string } };

export function useTestConnection() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (target: ConnectionTestTarget) =>
      'id' in target
        ? api.post<ConnectionTest>(`/api/services/${encodeURIComponent(target.id)}/test`)
        : api.post<ConnectionTest>('/api/services/test', target.input),
    // A test of a saved instance updates its status (last success, circuit).
    onSettled: (_data, _error, target) =>
      'id' in target ? queryClient.invalidateQueries({ queryKey: queryKeys.services }) : undefined,
  });
}
