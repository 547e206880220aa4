import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { summary } from '../test/fixtures';
import { createLiveEvents, type EventSourceLike } from './live-events';
import { BOARD_PARAMS, queryKeys } from './query-keys';
import type { RequestList } from './types';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

/** An EventSource the test drives: open, deliver an event, drop, give up. */
class FakeEventSource implements EventSourceLike {
  readyState = CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private listeners: Array<(event: MessageEvent<string>) => void> = [];
  constructor(readonly url: string) {}
  addEventListener(_type: 'request', listener: (event: MessageEvent<string>) => void) {
    this.listeners.push(listener);
  }
  close() {
    this.closed = true;
    this.readyState = CLOSED;
  }
  open() {
    this.readyState = OPEN;
    this.onopen?.(new Event('open'));
  }
  emit(data: unknown, lastEventId: string) {
    this.emitRaw(JSON.stringify(data), lastEventId);
  }
  emitRaw(data: string, lastEventId: string) {
    for (const l of this.listeners) l(new MessageEvent('request', { data, lastEventId }));
  }
  /** The browser retries by itself (CONNECTING) or gives up (CLOSED, e.g. a 401). */
  fail(readyState: number) {
    this.readyState = readyState;
    this.onerror?.(new Event('error'));
  }
}

describe('live events', () => {
  let sources: FakeEventSource[];
  let client: QueryClient;
  const latest = () => sources.at(-1)!;

  beforeEach(() => {
    vi.useFakeTimers();
    sources = [];
    client = new QueryClient();
    client.setQueryData(queryKeys.list(BOARD_PARAMS), {
      items: [summary({ id: 'a', progress: 0.2 })],
      total: 1,
    });
  });
  afterEach(() => vi.useRealTimers());

  function start() {
    const live = createLiveEvents({
      queryClient: client,
      createEventSource: (url) => {
        const source = new FakeEventSource(url);
        sources.push(source);
        return source;
      },
      reopenDelaysMs: [1_000, 5_000],
    });
    live.start();
    return live;
  }

  it('says Live only once the stream is open, and applies each request event to the board', () => {
    const live = start();
    expect(live.getState()).toBe('connecting');
    latest().open();
    expect(live.getState()).toBe('live');
    latest().emit(summary({ id: 'a', progress: 0.65, updatedAt: '2026-01-05T10:06:00Z' }), '41');
    expect(client.getQueryData<RequestList>(queryKeys.list(BOARD_PARAMS))?.items[0]?.progress).toBe(0.65);
  });

  it('refetches the lists after the browser reconnected from an error, not on the first open', () => {
    const live = start();
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    latest().open();
    expect(invalidate).not.toHaveBeenCalled();
    latest().fail(CONNECTING);
    expect(live.getState()).toBe('reconnecting');
    latest().open();
    expect(live.getState()).toBe('live');
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.requests });
  });

  it('opens a new stream after one was closed for good, resuming after the last event id', () => {
    const live = start();
    latest().open();
    latest().emit(summary({ id: 'a' }), '41');
    latest().fail(CLOSED);
    expect(live.getState()).toBe('offline');
    expect(sources).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(sources).toHaveLength(2);
    expect(latest().url).toBe('/api/events?lastEventId=41');
    expect(live.getState()).toBe('reconnecting');
  });

  it('notices a closed stream may mean the session ended', () => {
    start();
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    latest().fail(CLOSED);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: queryKeys.session });
  });

  it('tells subscribers about each change and stops cleanly', () => {
    const live = start();
    const seen: string[] = [];
    live.subscribe(() => seen.push(live.getState()));
    latest().open();
    live.stop();
    expect(seen).toEqual(['live', 'offline']);
    expect(sources[0]?.closed).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect(sources).toHaveLength(1);
  });

  it('ignores an event whose data is not JSON', () => {
    start();
    latest().open();
    const before = client.getQueryData(queryKeys.list(BOARD_PARAMS));
    latest().emitRaw('not json', '1');
    expect(client.getQueryData(queryKeys.list(BOARD_PARAMS))).toBe(before);
  });
});
