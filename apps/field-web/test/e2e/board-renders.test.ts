/**
 * What a live update costs the dispatcher's schedule board (issue 17.5): when a technician
 * moves one job along, the board re-renders that job's block (and its lane) and leaves every
 * other block alone. Counted from React's committed fiber trees (react-renders.ts), not
 * timed: on the board before this was kept, every update re-rendered every block.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { startField, type Field } from './harness';
import { countBoardRenders, type BoardRenders } from './react-renders';
import { eventually, openFirstJob, tapStatus } from './steps';

const run = await hasChromium();

describe.skipIf(!run)('schedule board renders', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it("re-renders only the block of the job a technician moves along, not the board's other blocks", async () => {
    const dana = await field.signIn('dana', async (context) => {
      await context.addInitScript(countBoardRenders);
    });
    await dana.page.setViewportSize({ width: 1366, height: 850 });
    const alice = await field.signIn('alice');
    const jobId = await openFirstJob(alice.page);
    const block = dana.page.locator(`[data-testid=desk-block][data-job-id="${jobId}"]`);
    await block.waitFor();
    const blocks = await dana.page.locator('[data-testid=desk-block]').count();
    expect(blocks).toBeGreaterThan(5);
    // Let the board settle (priming, job docs opening, Alice's presence arriving), then count.
    await eventually(
      () =>
        block
          .locator('[data-testid=on-job]')
          .innerText()
          .catch(() => ''),
      (t) => t.includes('Alice'),
      'Alice shown on the job',
    );
    await new Promise((r) => setTimeout(r, 2000));
    await dana.page.evaluate(() => {
      const r = (window as unknown as { __renders: BoardRenders }).__renders;
      r.blocks = {};
      r.lanes = {};
      r.commits = 0;
    });

    await tapStatus(alice.page, 'Start travel', 'En route');
    await eventually(
      () => block.getAttribute('data-status'),
      (s) => s === 'en_route',
      'the block turns En route',
    );
    // The board read and the review marks that follow the push land too.
    await new Promise((r) => setTimeout(r, 1500));
    const renders = await dana.page.evaluate(() => (window as unknown as { __renders: BoardRenders }).__renders);
    expect(renders.commits).toBeGreaterThan(0);
    expect(renders.blocks[jobId], 'the moved job re-rendered to show En route').toBeGreaterThan(0);
    expect(Object.keys(renders.blocks), `block renders: ${JSON.stringify(renders.blocks)}`).toEqual([jobId]);
    expect(Object.keys(renders.lanes), `lane renders: ${JSON.stringify(renders.lanes)}`).toEqual(['alice']);
  });
});
