import { describe, expect, it } from 'vitest';
import { lineChart, rangeBars, ticks } from '../src/report/svg';

describe('SVG charts', () => {
  it('picks round tick values covering the range', () => {
    expect(ticks(0, 10_000)).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
    expect(ticks(0, 7)).toEqual([0, 2, 4, 6]);
  });

  it('draws one line per series with its name in the legend, and the threshold', () => {
    const svg = lineChart({
      title: 'p99 <against> load',
      xLabel: 'updates/s',
      yLabel: 'ms',
      logY: true,
      threshold: { y: 100, label: 'held' },
      series: [
        {
          name: 'Outpost p99',
          points: [
            [1000, 5],
            [2000, 40],
          ],
        },
        {
          name: 'Peer p99',
          points: [
            [1000, 8],
            [2000, NaN],
          ],
          dashed: true,
        },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('Outpost p99');
    expect(svg).toContain('p99 &lt;against&gt; load');
    expect(svg).toContain('held');
    expect(svg).not.toContain('NaN');
  });

  it('draws a bar per label, skipping the bar of a missing median', () => {
    const svg = rangeBars('Cold open', 'ms', [
      { label: 'Outpost', median: 6, min: 5, max: 9 },
      { label: 'Peer', median: NaN, min: NaN, max: NaN },
    ]);
    expect(svg.match(/<rect x=/g)).toHaveLength(1);
    expect(svg).toContain('Peer');
    expect(svg).not.toContain('NaN');
  });
});
