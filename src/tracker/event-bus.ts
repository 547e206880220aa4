import { EventEmitter } from 'node:events';

/** A request summary or other payload published after its transaction committed (edge case 108). */
export interface TrackerEvent {
  /** Event id, the `events` table row: SSE clients resume from it with `Last-Event-ID`. */
  id: number;
  name: 'request';
  data: unknown;
}

/**
 * The in-process bus from the one door to SSE (and later notifications). Listeners are called
 * synchronously; a listener that throws is logged by the caller's emitter and never reaches the door.
 */
export function createEventBus() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish(event: TrackerEvent): void {
      emitter.emit('event', event);
    },
    subscribe(listener: (event: TrackerEvent) => void): () => void {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
  };
}
export type EventBus = ReturnType<typeof createEventBus>;
