import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const HEIGHT = 220;

/** Minutes per day as bars (uPlot): the box keeps its height while loading, so nothing jumps. */
export function MinutesChart({ days, minutes }: { days: number[]; minutes: number[] }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const primary =
      getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim() ||
      '#4f46e5';
    const bars = uPlot.paths.bars?.({ size: [0.7, 24] });
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 5)] } },
        axes: [
          { stroke: '#6b7385', grid: { show: false }, space: 60 },
          {
            stroke: '#6b7385',
            grid: { stroke: '#eef0f4' },
            size: 40,
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
          },
        ],
        series: [
          {},
          {
            label: 'Minutes',
            stroke: primary,
            fill: `${primary}cc`,
            width: 0,
            ...(bars ? { paths: bars } : {}),
            points: { show: false },
          },
        ],
      },
      [days, minutes],
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(el.clientWidth, 200), height: HEIGHT }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days, minutes]);

  return <div ref={box} className="chart" style={{ height: HEIGHT }} aria-hidden="true" />;
}
