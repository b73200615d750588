import { describe, expect, it } from 'vitest';
import { TabChannel } from './tab-channel';

const quiet = { changed: () => undefined, othersPending: () => undefined, joined: () => undefined, left: () => undefined };

describe('TabChannel', () => {
  it('stays silent once closed: a pending count settling during shutdown is not an error', () => {
    const tab = new TabChannel(`closing-${Math.random()}`, quiet);
    tab.close();
    expect(() => tab.announcePending(1)).not.toThrow();
    expect(() => tab.announce('outbox')).not.toThrow();
  });
});
