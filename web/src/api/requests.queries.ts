import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from './ApiProvider';
import { withQuery } from './api';
import { BOARD_PARAMS, queryKeys } from './query-keys';
import type {
  ActionName,
  ActionOutcome,
  HealthReport,
  ListParams,
  RequestDetail,
  RequestList,
} from './types';

export function useRequestList(params: ListParams) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.list(params),
    queryFn: ({ signal }) => api.get<RequestList>(withQuery('/api/requests', { ...params }), signal),
    // Paging and typing a search keep the last page on screen instead of flashing a spinner.
    placeholderData: keepPreviousData,
  });
}

/** Every open request; live events keep it current, so it is never refetched on a timer. */
export function useBoard() {
  return useRequestList(BOARD_PARAMS);
}

export function useRequestDetail(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.detail(id),
    queryFn: ({ signal }) => api.get<RequestDetail>(`/api/requests/${encodeURIComponent(id)}`, signal),
  });
}

export function useRunAction(requestId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: ActionName) =>
      api.post<ActionOutcome>(`/api/requests/${encodeURIComponent(requestId)}/actions/${action}`),
    // The command's outcome lands in the timeline.
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.detail(requestId) }),
  });
}

export function useHealth() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.health,
    queryFn: ({ signal }) => api.get<HealthReport>('/api/health', signal),
    refetchInterval: 15_000,
  });
}
