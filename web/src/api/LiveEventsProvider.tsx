import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { type ConnectionState, createLiveEvents, type LiveEvents } from './live-events';

const LiveEventsContext = createContext<LiveEvents | null>(null);

/** Keeps the event stream open while the viewer is signed in (the shell mounts it only then). */
export function LiveEventsProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [live] = useState(() => createLiveEvents({ queryClient }));
  useEffect(() => {
    live.start();
    return () => live.stop();
  }, [live]);
  return <LiveEventsContext.Provider value={live}>{children}</LiveEventsContext.Provider>;
}

const offline = () => 'offline' as const;
const noop = () => () => {};

export function useConnectionState(): ConnectionState {
  const live = useContext(LiveEventsContext);
  return useSyncExternalStore(live ? live.subscribe : noop, live ? live.getState : offline);
}
