import type { QueryClient } from '@tanstack/react-query';
import { queryKeys } from './query-keys';
import { applyRequestEvent, refreshAfterGap } from './request-cache';
import type { RequestSummary } from './types';

/** What the header's indicator shows. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

/** The part of `EventSource` this module uses, so tests can hand in a fake. */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: 'request', listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

const CLOSED = 2;

export interface LiveEventsOptions {
  queryClient: QueryClient;
  url?: string;
  createEventSource?: (url: string) => EventSourceLike;
  /**
   * Waits before opening a new stream after the browser gave up on one (it retries by itself only
   * while the server answers with a stream; a 401 or 5xx closes it for good).
   */
  reopenDelaysMs?: readonly number[];
}

const DEFAULT_REOPEN_DELAYS_MS = [2_000, 5_000, 10_000, 30_000, 60_000];

/**
 * The one owner of the EventSource on `/api/events`. Each `request` event updates the query cache;
 * after an outage the lists are refetched, since the replay only covers what the server still has.
 */
export function createLiveEvents({
  queryClient,
  url = '/api/events',
  createEventSource = (target) => new EventSource(target, { withCredentials: true }),
  reopenDelaysMs = DEFAULT_REOPEN_DELAYS_MS,
}: LiveEventsOptions) {
  let source: EventSourceLike | null = null;
  let state: ConnectionState = 'connecting';
  let lastEventId: string | null = null;
  /** Set by an error; the next open means events may have been missed. */
  let gap = false;
  let reopenAttempt = 0;
  let reopenTimer: ReturnType<typeof setTimeout> | null = null;
  let running = false;
  const listeners = new Set<() => void>();

  function setState(next: ConnectionState) {
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  }

  function open() {
    // A new EventSource cannot send Last-Event-ID as a header on its first request; the query does.
    const target = lastEventId === null ? url : `${url}?lastEventId=${encodeURIComponent(lastEventId)}`;
    const current = createEventSource(target);
    source = current;
    current.onopen = () => {
      if (source !== current) return;
      reopenAttempt = 0;
      if (gap) refreshAfterGap(queryClient);
      gap = false;
      setState('live');
    };
    current.onerror = () => {
      if (source !== current) return;
      gap = true;
      if (current.readyState !== CLOSED) {
        setState('reconnecting');
        return;
      }
      setState('offline');
      // The stream may be closed because the session ended: asking again sends the viewer to sign in.
      void queryClient.invalidateQueries({ queryKey: queryKeys.session });
      scheduleReopen();
    };
    current.addEventListener('request', (event) => {
      if (source !== current) return;
      if (event.lastEventId) lastEventId = event.lastEventId;
      let summary: RequestSummary;
      try {
        summary = JSON.parse(event.data) as RequestSummary;
      } catch {
        return;
      }
      applyRequestEvent(queryClient, summary);
    });
  }

  function scheduleReopen() {
    clearReopen();
    const delay = reopenDelaysMs[Math.min(reopenAttempt, reopenDelaysMs.length - 1)] ?? 60_000;
    reopenAttempt += 1;
    reopenTimer = setTimeout(reopenNow, delay);
  }

  function clearReopen() {
    if (reopenTimer !== null) clearTimeout(reopenTimer);
    reopenTimer = null;
  }

  function reopenNow() {
    clearReopen();
    if (!running) return;
    source?.close();
    setState('reconnecting');
    open();
  }

  /** Back online after the network dropped: try at once instead of waiting out the delay. */
  function onOnline() {
    if (running && state === 'offline') reopenNow();
  }

  return {
    start() {
      if (running) return;
      running = true;
      setState('connecting');
      open();
      globalThis.addEventListener?.('online', onOnline);
    },
    stop() {
      running = false;
      clearReopen();
      source?.close();
      source = null;
      globalThis.removeEventListener?.('online', onOnline);
      setState('offline');
    },
    getState: (): ConnectionState => state,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type LiveEvents = ReturnType<typeof createLiveEvents>;
