/** The board's header: today and tomorrow, hour by hour. */
import { memo } from 'react';
import { DAY_END_HOUR, DAY_START_HOUR, type Axis } from './schedule';

function TimeAxisView({ axis }: { axis: Axis }) {
  const hours = Array.from({ length: DAY_END_HOUR - DAY_START_HOUR }, (_, i) => DAY_START_HOUR + i);
  return (
    <div className="lane axis" aria-hidden="true">
      <div className="lane-name" />
      <div className="lane-track axis-track">
        {axis.days.map((day, d) => (
          <div key={d} className="axis-day">
            <span className="axis-date">{day.toLocaleDateString([], { weekday: 'short', day: 'numeric', month: 'short' })}</span>
            <div className="axis-hours">
              {hours.map((h) => (
                <span key={h}>{String(h).padStart(2, '0')}</span>
              ))}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}

/** The time axis above the lanes; memoised (its axis is made once per board). */
export const TimeAxis = memo(TimeAxisView);
