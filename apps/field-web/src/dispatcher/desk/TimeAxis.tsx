/** The board's header: today and tomorrow, hour by hour. */
import { DAY_END_HOUR, DAY_START_HOUR, type Axis } from './schedule';

/** The time axis above the lanes. */
export function TimeAxis({ axis }: { axis: Axis }) {
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
