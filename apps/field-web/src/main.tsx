/** Entry point: one engine per browser (device), the service worker, and the app. */
import { createOutpost } from '@outpost/client';
import { OutpostProvider } from '@outpost/client/react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { DEVICE_NAME } from './app/device';
import { registerShellWorker } from './app/shell-worker';
import './styles.css';

const engine = createOutpost({ serverUrl: window.location.origin, deviceName: DEVICE_NAME });
registerShellWorker();

createRoot(document.getElementById('root')!).render(
  <OutpostProvider engine={engine}>
    <App />
  </OutpostProvider>,
);
