// A connection's refresh timeline: each attempt a point at its start time, its height the duration, its colour the
// outcome. Drawn with Chart.js (served from the broker's webjar, see index.html).

import { el, instant } from './dom.js';

const COLOURS = { success: '#1f7a3f', failure: '#b3261e' };
let chart = null;

/** Draws the attempts (newest first, as the API answers) on the canvas; says so when there is nothing to draw. */
export function drawTimeline(canvas, caption, attempts, total) {
  if (chart) {
    chart.destroy();
    chart = null;
  }
  if (attempts.length === 0) {
    caption.textContent = 'No refresh attempts recorded yet.';
    return;
  }
  caption.textContent = attempts.length < total
    ? `The latest ${attempts.length} of ${total} attempts.` : `All ${total} ${total === 1 ? 'attempt' : 'attempts'}.`;
  if (typeof window.Chart !== 'function') {
    caption.append(el('span', ' (The chart library did not load; the table below has every row.)'));
    return;
  }
  const times = attempts.map((attempt) => Date.parse(attempt.started_at));
  // Padded bounds: a single attempt (or a burst) would otherwise get an axis of many hours around it.
  const spread = Math.max(...times) - Math.min(...times);
  const pad = spread > 0 ? Math.max(spread * 0.05, 50) : 30_000;
  const [min, max] = [Math.min(...times) - pad, Math.max(...times) + pad];
  chart = new window.Chart(canvas, {
    type: 'scatter',
    data: { datasets: datasets(attempts) },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', title: { display: true, text: 'started (UTC)' }, min, max, ticks: { callback: clock(max - min) } },
        y: { beginAtZero: true, title: { display: true, text: 'duration (ms)' } },
      },
      plugins: {
        tooltip: { callbacks: { label: (point) => label(point.raw) } },
      },
    },
  });
}

function datasets(attempts) {
  const byOutcome = new Map();
  for (const attempt of attempts) {
    if (!byOutcome.has(attempt.outcome)) {
      byOutcome.set(attempt.outcome, []);
    }
    byOutcome.get(attempt.outcome).push({ x: Date.parse(attempt.started_at), y: attempt.duration_ms, attempt });
  }
  return [...byOutcome].map(([outcome, points]) => ({
    label: outcome,
    data: points,
    backgroundColor: COLOURS[outcome] ?? '#6b7280',
    borderColor: COLOURS[outcome] ?? '#6b7280',
    pointRadius: 4,
  }));
}

/** Tick labels as fine as the axis needs: milliseconds for a burst, dates for weeks. */
function clock(range) {
  const [from, to] = range < 120_000 ? [11, 23] : range < 86_400_000 ? [11, 19] : [5, 16];
  return (epochMillis) => new Date(epochMillis).toISOString().slice(from, to).replace('T', ' ');
}

function label({ attempt }) {
  const error = attempt.error_code ? ` · ${attempt.error_code}` : '';
  return `${attempt.outcome} · ${attempt.trigger} · ${attempt.duration_ms} ms · ${instant(attempt.started_at)}${error}`;
}
