/**
 * A value that can be read and watched: the shape every engine state (sync status,
 * outbox lists, priming, storage) exposes, and what React's useSyncExternalStore wants.
 */
export interface Watchable<T> {
  /** The current value (the same object until it changes). */
  get(): T;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (value: T) => void): () => void;
}

/** A watchable value the engine sets. */
export class Observable<T> implements Watchable<T> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private value: T) {}

  get = (): T => this.value;

  subscribe = (listener: (value: T) => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Replaces the value and tells listeners; equal JSON means no change. */
  set(value: T): void {
    if (JSON.stringify(value) === JSON.stringify(this.value)) return;
    this.value = value;
    for (const l of [...this.listeners]) l(value);
  }
}

/** Named events with typed payloads. */
export class Emitter<E extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof E, Set<(payload: never) => void>>();

  /** Listens to one event; returns the unsubscribe function. */
  on<K extends keyof E>(name: K, listener: (payload: E[K]) => void): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.listeners.set(name, set);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** Emits one event. */
  emit<K extends keyof E>(name: K, payload: E[K]): void {
    for (const l of [...(this.listeners.get(name) ?? [])]) (l as (p: E[K]) => void)(payload);
  }
}
