import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { SECOND_YJS_MESSAGE, yjsCopiesLoaded } from './index';

describe('second copy of yjs', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('counts one copy when Outpost and the app share yjs', () => {
    expect(new Y.Doc()).toBeInstanceOf(Y.Doc);
    expect(yjsCopiesLoaded()).toBe(1);
  });

  it('logs an error naming the fix when another copy loads, before it can break instanceof checks', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    // The CommonJS build is a real second copy: the classic dual-package mistake.
    const OtherY = createRequire(import.meta.url)('yjs') as typeof Y;
    expect(OtherY.Doc).not.toBe(Y.Doc);

    expect(yjsCopiesLoaded()).toBe(2);
    expect(logged).toHaveBeenCalledWith(SECOND_YJS_MESSAGE);
    expect(SECOND_YJS_MESSAGE).toMatch(/exactly one yjs/);
    expect(SECOND_YJS_MESSAGE).toMatch(/npm ls yjs/);
  });
});
