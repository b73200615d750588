import { describe, expect, it } from 'vitest';
import type { StepFigures } from '../src/load/fanout-rig';
import { bestPeer, nextToRepeat, notHeldBecause, p99RatiosAtEveryStep, stepRunsMissing, type Samples } from '../src/scenarios/fanout';

/** Samples of one server: per rate, its runs as held (true) or not. */
function outpost(runs: Record<number, boolean[]>): Samples {
  const byRate = new Map(Object.entries(runs).map(([rate, held]) => [Number(rate), held.map((h) => ({ held: h }) as StepFigures)]));
  return new Map([['outpost', byRate]]);
}

describe('which fan-out rate is repeated next', () => {
  it('runs a tie again instead of dropping the rate: 2 of 4 held gets a fifth run', () => {
    expect(nextToRepeat(outpost({ 2500: [true], 4000: [true, false], 6000: [true, false, true, false] }), 'outpost', 5)).toBe(6000);
  });

  it('falls to the next rate still standing once the majority of runs failed', () => {
    expect(nextToRepeat(outpost({ 2500: [true], 4000: [true, false], 6000: [true, false, true, false, false] }), 'outpost', 5)).toBe(4000);
    expect(nextToRepeat(outpost({ 2500: [true], 4000: [true, false, false], 6000: [false, false] }), 'outpost', 5)).toBe(2500);
  });

  it('takes a tie that already has every run as not held (an even run count)', () => {
    expect(nextToRepeat(outpost({ 2500: [true, true, true, true], 4000: [true, false, true, false] }), 'outpost', 4)).toBe(2500);
  });

  it('keeps the highest rate a majority held, and names none when nothing stands', () => {
    expect(nextToRepeat(outpost({ 2500: [true, true], 4000: [true, true, false] }), 'outpost', 5)).toBe(4000);
    expect(nextToRepeat(outpost({ 1000: [false, false] }), 'outpost', 5)).toBe(0);
    expect(nextToRepeat(new Map(), 'outpost', 5)).toBe(0);
  });
});

describe('the peer Outpost is judged against', () => {
  const runs = (p99s: number[]) => p99s.map((p99) => ({ held: true, p99 }) as StepFigures);
  const servers = (byKind: Record<string, Record<number, number[]>>): Samples =>
    new Map(Object.entries(byKind).map(([kind, rates]) => [kind as never, new Map(Object.entries(rates).map(([r, p]) => [Number(r), runs(p)]))]));

  it('is the one holding the highest rate', () => {
    const samples = servers({ hocuspocus: { 6000: [20, 21, 22] }, ywss: { 6000: [30], 9000: [60, 61, 62] } });
    expect(bestPeer(samples, ['hocuspocus', 'ywss'], 6000)).toBe('ywss');
  });

  it('goes, on a tie, to the lower p99 at the rate the ratio is taken, whatever the order listed', () => {
    const samples = servers({ hocuspocus: { 6000: [31.3, 30, 40] }, ywss: { 6000: [24.3, 20, 25] } });
    expect(bestPeer(samples, ['hocuspocus', 'ywss'], 6000)).toBe('ywss');
    expect(bestPeer(samples, ['ywss', 'hocuspocus'], 6000)).toBe('ywss');
    // Outpost held less than both: the ratio is taken at Outpost's rate, where Hocuspocus is lower.
    const lower = servers({ hocuspocus: { 4000: [10], 6000: [31.3] }, ywss: { 4000: [18], 6000: [24.3] } });
    expect(bestPeer(lower, ['ywss', 'hocuspocus'], 4000)).toBe('hocuspocus');
  });
});

describe('the p99 ratio at every rate both hold', () => {
  const runs = (p99s: number[], held = true) => p99s.map((p99) => ({ held, p99 }) as StepFigures);
  const samples = (byKind: Record<string, Record<number, StepFigures[]>>): Samples =>
    new Map(Object.entries(byKind).map(([kind, rates]) => [kind as never, new Map(Object.entries(rates).map(([r, fs]) => [Number(r), fs]))]));

  it('compares each rate Outpost holds with the lowest p99 among the peers holding it', () => {
    const s = samples({
      outpost: { 1000: runs([38]), 2500: runs([60, 62, 61]), 4000: runs([97]) },
      hocuspocus: { 1000: runs([18]), 2500: runs([80, 81, 82]), 4000: runs([112], false) },
      ywss: { 1000: runs([14]), 2500: runs([86, 87, 85]) },
    });
    expect(p99RatiosAtEveryStep(s, ['hocuspocus', 'ywss'])).toEqual([
      { rate: 1000, peer: 'ywss', ratio: 38 / 14 },
      { rate: 2500, peer: 'hocuspocus', ratio: 61 / 81 },
    ]);
  });

  it('leaves out rates Outpost does not hold and rates no peer holds', () => {
    const s = samples({ outpost: { 1000: runs([10]), 2500: runs([200], false) }, ywss: { 1000: runs([20], false), 2500: runs([30]) } });
    expect(p99RatiosAtEveryStep(s, ['ywss'])).toEqual([]);
  });

  it('asks for the runs each judged rate lacks, from Outpost and every peer holding it', () => {
    const s = samples({
      outpost: { 1000: runs([38]), 2500: runs([60, 62, 61, 63, 64]), 4000: runs([97]) },
      hocuspocus: { 1000: runs([18]), 2500: runs([80, 81, 82, 83, 84]), 4000: runs([112], false) },
      ywss: { 1000: runs([14], false), 2500: runs([86, 87, 85]) },
    });
    const missing = stepRunsMissing(s, ['hocuspocus', 'ywss'], 5);
    // 1,000/s: ywss does not hold it, so only Outpost and Hocuspocus; 2,500/s: ywss has 3 of 5;
    // 4,000/s: no peer holds it, nothing to judge there.
    expect(missing.filter(([, r]) => r === 1000)).toEqual([...Array(4).fill(['outpost', 1000]), ...Array(4).fill(['hocuspocus', 1000])]);
    expect(missing.filter(([, r]) => r === 2500)).toEqual([
      ['ywss', 2500],
      ['ywss', 2500],
    ]);
    expect(missing.filter(([, r]) => r === 4000)).toEqual([]);
    expect(stepRunsMissing(s, ['hocuspocus', 'ywss'], 1)).toEqual([]);
  });

  it('runs a rate left tied by a top-up run again, for Outpost and for a peer, until a majority decides it', () => {
    // The full run of 29 Nov 10:51Z: Outpost held 1,000/s in the climb, its second run there
    // (a top-up) stalled, and 1 of 2 held left the rate undecided: it was neither judged nor run again.
    const mixed = (held: boolean[]) => held.map((h) => ({ held: h, p99: h ? 20 : 200 }) as StepFigures);
    const s = samples({
      outpost: { 1000: mixed([true, false]), 2500: mixed([true, true]) },
      hocuspocus: { 1000: mixed([true, true]), 2500: mixed([true, false]) },
    });
    expect(stepRunsMissing(s, ['hocuspocus'], 3)).toEqual([
      ['outpost', 1000],
      ['hocuspocus', 1000],
      ['outpost', 2500],
      ['hocuspocus', 2500],
    ]);
    // Decided by the majority: 1 of 3 held is not held, and nothing more is asked there.
    s.get('outpost')!.set(1000, mixed([true, false, false]));
    expect(stepRunsMissing(s, ['hocuspocus'], 5).filter(([, r]) => r === 1000)).toEqual([]);
    // A tie that already has all its runs stays as it is (an even run count: not held).
    expect(stepRunsMissing(s, ['hocuspocus'], 2)).toEqual([]);
  });
});

describe('why a rate was not held', () => {
  const failed = (f: Partial<StepFigures>) => ({ held: false, genLagP99: 5, genCpuPercent: 99, sentPercent: 100, deliveredPercent: 100, socketErrors: 0, ...f }) as StepFigures;

  it('names the server when the generator kept to its plan, however busy its core read (it polls between sends)', () => {
    expect(notHeldBecause([failed({}), failed({})])).toBe('server: p99 over 100 ms');
  });

  it('names the generator when it fell behind its plan', () => {
    expect(notHeldBecause([failed({ genLagP99: 70 }), failed({ genLagP99: 80 })])).toBe('generator behind its plan');
  });

  it('names nothing when most runs held', () => {
    expect(notHeldBecause([failed({}), { held: true } as StepFigures, { held: true } as StepFigures])).toBe('—');
  });
});
