/**
 * Counts which schedule-board blocks and lanes React re-rendered, in the production build,
 * the way React DevTools learns it: a `__REACT_DEVTOOLS_GLOBAL_HOOK__` installed before the
 * app loads receives every committed fiber tree. A component fiber rendered in that commit
 * when it is new or carries React's PerformedWork flag (1); a subtree whose children are the
 * previous commit's objects was skipped whole. Blocks and lanes are told apart by the host
 * element they render (`data-testid` desk-block / desk-lane), as names are minified.
 *
 * Install with `context.addInitScript(countBoardRenders)`; read `window.__renders`.
 */

/** Renders seen since the last reset, by job id (blocks) and lane id. */
export interface BoardRenders {
  blocks: Record<string, number>;
  lanes: Record<string, number>;
  commits: number;
}

/** The init script (serialised into the page: self-contained). */
export function countBoardRenders(): void {
  interface Fiber {
    tag: number;
    flags: number;
    type: unknown;
    memoizedProps: Record<string, unknown> | null;
    alternate: Fiber | null;
    child: Fiber | null;
    sibling: Fiber | null;
  }
  const renders: BoardRenders = { blocks: {}, lanes: {}, commits: 0 };
  (window as unknown as { __renders: BoardRenders }).__renders = renders;
  const FUNCTION = 0;
  const SIMPLE_MEMO = 15;
  const PERFORMED_WORK = 1;
  const hostProp = (fiber: Fiber, key: string): unknown => (fiber.child && typeof fiber.child.type === 'string' ? fiber.child.memoizedProps?.[key] : undefined);
  const visit = (fiber: Fiber): void => {
    const previous = fiber.alternate;
    if ((fiber.tag === FUNCTION || fiber.tag === SIMPLE_MEMO) && (previous === null || (fiber.flags & PERFORMED_WORK) !== 0)) {
      const testId = hostProp(fiber, 'data-testid');
      if (testId === 'desk-block') {
        const id = String(hostProp(fiber, 'data-job-id'));
        renders.blocks[id] = (renders.blocks[id] ?? 0) + 1;
      } else if (testId === 'desk-lane') {
        const id = String(hostProp(fiber, 'data-lane'));
        renders.lanes[id] = (renders.lanes[id] ?? 0) + 1;
      }
    }
    if (previous !== null && previous.child === fiber.child) return;
    for (let child = fiber.child; child; child = child.sibling) visit(child);
  };
  (window as unknown as { __REACT_DEVTOOLS_GLOBAL_HOOK__: unknown }).__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true,
    isDisabled: false,
    renderers: new Map(),
    inject: () => 1,
    checkDCE: () => undefined,
    onScheduleFiberRoot: () => undefined,
    onCommitFiberUnmount: () => undefined,
    onPostCommitFiberRoot: () => undefined,
    onCommitFiberRoot: (_renderer: number, root: { current: Fiber }) => {
      renders.commits++;
      visit(root.current);
    },
  };
}
