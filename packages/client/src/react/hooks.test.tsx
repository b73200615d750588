import 'fake-indexeddb/auto';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { createOutpost, type OutpostEngine } from '../engine/outpost';
import { OutpostProvider } from './context';
import { peersOf, useJob, useOutbox, usePriming, useSyncStatus } from './hooks';

/** Server-rendered in Node: the hooks read the engine's current state in the first render. */
function render(engine: OutpostEngine, component: () => string): string {
  const Probe = () => createElement('p', null, component());
  return renderToString(createElement(OutpostProvider, { engine }, createElement(Probe)));
}

describe('React hooks', () => {
  let engine: OutpostEngine;
  beforeAll(async () => {
    // Nothing listens here: the device works offline, which is all these hooks need.
    engine = createOutpost({
      serverUrl: 'http://127.0.0.1:9',
      deviceName: `hooks-${crypto.randomUUID()}`,
      fetch: async () => {
        throw new TypeError('offline');
      },
    });
    await engine.ready;
    await engine.submitOp('job-1', { kind: 'transition', to: 'en_route' });
  });
  afterAll(() => engine.destroy());

  it('shows the sync status line and the outbox a technician sees offline', () => {
    const html = render(engine, () => {
      const status = useSyncStatus();
      const outbox = useOutbox();
      return `${status.label} | queued ${outbox.queued.length} ${outbox.queued[0]?.op.to}`;
    });
    expect(html).toContain('offline (1 pending) | queued 1 en_route');
  });

  it('renders before device storage has opened, so the app can show its shell at once', async () => {
    const early = createOutpost({
      serverUrl: 'http://127.0.0.1:9',
      deviceName: `early-${crypto.randomUUID()}`,
      fetch: async () => {
        throw new TypeError('offline');
      },
    });
    const html = render(early, () => {
      const outbox = useOutbox();
      return `${useSyncStatus().state} ${outbox.queued.length} ${usePriming().primedAt ?? 'never'}`;
    });
    expect(html).toContain('offline 0 never');
    await early.destroy();
  });

  it('shows when jobs were last saved to the device', () => {
    const html = render(engine, () => {
      const priming = usePriming();
      return `primed ${priming.primedAt ?? 'never'} complete ${priming.complete} ${typeof priming.prime}`;
    });
    expect(html).toContain('primed never complete false function');
  });

  it('renders nothing for a job until it is loaded from the device', () => {
    expect(render(engine, () => (useJob('job-1') === null ? 'opening' : 'open'))).toContain('opening');
  });

  it('lists who else is in a job and which note they are editing, from server-stamped presence', () => {
    const mine = new Awareness(new Y.Doc());
    const theirs = new Awareness(new Y.Doc());
    theirs.setLocalState({ user: { id: 'dana', name: 'Dana Whitfield', role: 'dispatcher' }, editingNoteId: 'n1' });
    applyAwarenessUpdate(mine, encodeAwarenessUpdate(theirs, [theirs.clientID]), 'server');
    expect(peersOf(mine)).toEqual([{ clientId: theirs.clientID, user: { id: 'dana', name: 'Dana Whitfield', role: 'dispatcher' }, editingNoteId: 'n1', onScreen: false }]);
    mine.destroy();
    theirs.destroy();
  });
});
