import type { ApiKeyUsageDay } from '@iqra/sdk';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const HEIGHT = 180;

/** Requests and rejected answers per day as bars (uPlot), like the usage page's minutes chart. */
export function KeyUsageChart({ days }: { days: ApiKeyUsageDay[] }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const style = getComputedStyle(document.documentElement);
    const primary = style.getPropertyValue('--color-primary').trim() || '#4f46e5';
    const danger = style.getPropertyValue('--color-danger').trim() || '#dc2626';
    const bars = uPlot.paths.bars?.({ size: [0.6, 16] });
    const x = days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(el.clientWidth, 200),
        height: HEIGHT,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 5)] } },
        axes: [
          { stroke: '#6b7385', grid: { show: false }, space: 60 },
          { stroke: '#6b7385', grid: { stroke: '#eef0f4' }, size: 48 },
        ],
        series: [
          {},
          {
            label: 'Requests',
            stroke: primary,
            fill: `${primary}cc`,
            width: 0,
            ...(bars ? { paths: bars } : {}),
            points: { show: false },
          },
          {
            label: 'Rejected',
            stroke: danger,
            fill: `${danger}dd`,
            width: 0,
            ...(bars ? { paths: bars } : {}),
            points: { show: false },
          },
        ],
      },
      [x, days.map((d) => d.requests), days.map((d) => d.rejected)],
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
  }, [days]);

  return <div ref={box} className="chart" style={{ height: HEIGHT }} aria-hidden="true" />;
}
