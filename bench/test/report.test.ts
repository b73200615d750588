import { describe, expect, it } from 'vitest';
import { targetSummary } from '../src/report/readme';
import { markdownTable } from '../src/report/table';
import { judge, type ScenarioResult } from '../src/scenarios/scenario';

const fanout: ScenarioResult = {
  id: 'fanout',
  title: 'Relay fan-out (open loop)',
  rows: [{ label: 'Outpost @ 1000/s', server: 'outpost', figures: { 'p99 ms': 12 } }],
  ratios: {},
  notes: [],
  targets: [
    judge('fan-out: throughput ÷ best peer', '≥ 1.5×', 1.2, (v) => v >= 1.5),
    judge('fan-out: p99 ÷ best peer', '≤ 0.7×', 0.5, (v) => v <= 0.7),
    judge('device open', '≤ 50 ms', NaN, (v) => v <= 50),
  ],
  charts: [{ file: 'fanout-latency.svg', title: 'Fan-out latency', svg: '<svg/>' }],
};

describe('targets in the results', () => {
  it('judges met, not met, and not measured when the figure is missing', () => {
    expect(fanout.targets!.map((t) => t.met)).toEqual([false, true, null]);
  });

  it('lists every target with its verdict in the summary table', () => {
    const lines = targetSummary([fanout]);
    expect(lines).toContain('| fan-out: throughput ÷ best peer | ≥ 1.5× | 1.2 | **NOT met** |');
    expect(lines).toContain('| fan-out: p99 ÷ best peer | ≤ 0.7× | 0.5 | **met** |');
    expect(lines).toContain('| device open | ≤ 50 ms | — | **not measured** |');
  });

  it('puts the verdicts and the chart under the scenario table', () => {
    const md = markdownTable(fanout);
    expect(md).toContain('- **NOT met** — fan-out: throughput ÷ best peer: 1.2 (target ≥ 1.5×)');
    expect(md).toContain('![Fan-out latency](results/charts/fanout-latency.svg)');
  });
});
