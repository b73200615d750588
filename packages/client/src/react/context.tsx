/**
 * The engine in React context. One engine per device (browser profile), created once
 * outside React and handed to `<OutpostProvider engine>`.
 */
import { createContext, useContext, type ReactNode } from 'react';
import type { OutpostEngine } from '../engine/outpost';

const EngineContext = createContext<OutpostEngine | null>(null);

/** Makes `engine` available to the hooks below it. */
export function OutpostProvider({ engine, children }: { engine: OutpostEngine; children?: ReactNode }) {
  return <EngineContext.Provider value={engine}>{children}</EngineContext.Provider>;
}

/** The engine from the nearest `<OutpostProvider>`. */
export function useOutpost(): OutpostEngine {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error('useOutpost: wrap the app in <OutpostProvider engine={…}>.');
  return engine;
}
