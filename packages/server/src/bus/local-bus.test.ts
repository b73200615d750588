import { runBusAcceptance } from '@outpost/server/testing';
import { LocalBus } from './bus';

runBusAcceptance('local', async (n) => {
  const bus = new LocalBus();
  return { buses: Array.from({ length: n }, () => bus), cleanup: () => bus.close() };
});
