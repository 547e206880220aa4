import type { ListParams } from './types';

/**
 * Every query key in one place. Lists and details share the `requests` prefix so live events and
 * sign-out can reach all of them at once.
 */
export const queryKeys = {
  session: ['session'] as const,
  requests: ['requests'] as const,
  lists: ['requests', 'list'] as const,
  list: (params: ListParams) => ['requests', 'list', params] as const,
  detail: (id: string) => ['requests', 'detail', id] as const,
  services: ['services', 'list'] as const,
  catalog: ['services', 'catalog'] as const,
  webhooks: ['webhooks'] as const,
  health: ['health'] as const,
};

/** The board and the problems page share one query: every open request (the API's maximum page). */
export const BOARD_PARAMS: ListParams = { active: true, limit: 500, offset: 0 };
