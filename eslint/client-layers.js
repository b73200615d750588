// The layers of packages/client/src, bottom first. A folder imports only from folders in lower
// layers, never from its own layer or above, so every import arrow between client folders runs
// one way (down) and no two folders can depend on each other. `observable.ts` sits below all
// of them; `index.ts` and `testing.ts` sit above all of them (they name the package's exports).
//
// What each layer is for:
//   ids        device ids and hashes (uuid, sha-256), no I/O
//   storage    the device's IndexedDB: job docs, pending records, the storage watch
//   sync       the wire: api client, retry schedule, job connections, device channel, session
//   tabs       what the tabs of one browser share (drain lock, tab channel)
//   jobs       open job documents: store, sessions, views, merge summaries
//   priming    reference data and job lists kept for offline use
//   blobs      photos and signatures kept on the device and uploaded
//   outbox     queued workflow ops, their drain, and the content-change lists
//   handover   what happens to a job the person lost access to
//   background the background drain (service worker), the location recorder
//   engine     OutpostEngine: wires the parts above into one engine
//   react      React hooks over the engine (`@outpost/client/react`)
export const CLIENT_LAYERS = [['ids'], ['storage'], ['sync', 'tabs'], ['jobs', 'priming'], ['blobs'], ['outbox', 'handover'], ['background', 'location'], ['engine'], ['react']];

const SRC = 'packages/client/src';

/** The folders a file in `folder` must not import from: its own layer's other folders and every layer above. */
function forbiddenFor(folder) {
  const at = CLIENT_LAYERS.findIndex((layer) => layer.includes(folder));
  return CLIENT_LAYERS.slice(at)
    .flat()
    .filter((other) => other !== folder);
}

function restrict(files, forbidden, where, prefix = '(\\.\\./)+') {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^${prefix}(${forbidden.join('|')})(/|$)`,
              message: `${where} may import only from lower client layers (see eslint/client-layers.js): ${forbidden.join(', ')} are at its level or above.`,
            },
          ],
        },
      ],
    },
  };
}

/** One ESLint config object per client folder (and one for observable.ts). */
export const clientLayerRules = [
  ...CLIENT_LAYERS.flat()
    .filter((folder) => forbiddenFor(folder).length > 0)
    .map((folder) => restrict([`${SRC}/${folder}/**/*.{ts,tsx}`], forbiddenFor(folder), `client/${folder}`)),
  restrict([`${SRC}/observable.ts`], CLIENT_LAYERS.flat(), 'client/observable.ts', '\\./'),
];
