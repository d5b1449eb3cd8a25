// The status overview: counts per health and a table of the connections the key may read, paged by the broker's
// cursor. Expiry countdowns tick locally from the broker's seconds_until_expiry, so a skewed client clock does not
// show a wrong time left.

import { json } from './api.js';
import { $, cell, el, instant, row, span } from './dom.js';

const PAGE = 100;
const HEALTHS = ['healthy', 'expiring', 'expired', 'failing', 'needs_reauth'];
let next = null;

/** Shows the first page; a failed call is thrown to the caller, which shows the message. */
export async function showOverview() {
  $('connections').tBodies[0].replaceChildren();
  await loadPage(null);
}

export async function showMoreConnections() {
  if (next) {
    await loadPage(next);
  }
}

async function loadPage(cursor) {
  const query = `?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const page = await json(`/v1/status${query}`);
  const received = Date.now();
  summary(page.summary);
  const body = $('connections').tBodies[0];
  page.connections.forEach((connection) => body.append(connectionRow(connection, received)));
  if (body.rows.length === 0) {
    const empty = el('td', 'No connections are visible to this key.');
    empty.colSpan = 7;
    body.append(row([empty]));
  }
  next = page.next_cursor;
  $('more-connections').hidden = !next;
  tick();
}

function summary(counts) {
  const list = $('summary');
  list.replaceChildren();
  for (const name of ['total', ...HEALTHS]) {
    const item = el('li', null, `summary-${name}`);
    item.append(el('span', counts[name] ?? 0, 'count'), el('span', name.replace('_', ' ')));
    list.append(item);
  }
}

function connectionRow(status, received) {
  const link = el('a', status.connection);
  link.href = `#/connections/${encodeURIComponent(status.tenant)}/${encodeURIComponent(status.connection)}`;
  const expiry = el('td', '—', 'number countdown');
  if (status.seconds_until_expiry !== null) {
    expiry.dataset.deadline = String(received + status.seconds_until_expiry * 1000);
    expiry.title = instant(status.expires_at);
  }
  const last = status.last_refresh;
  return row([
    cell(status.tenant),
    cell(link),
    cell(status.health.replace('_', ' '), `health health-${status.health}`),
    expiry,
    cell(status.circuit_state),
    cell(last ? `${instant(last.at)} · ${last.outcome} (${last.trigger})${last.error_code ? ` · ${last.error_code}` : ''}`
      : 'never'),
    cell(status.refresh_token_expires_at ? instant(status.refresh_token_expires_at) : 'unknown'),
  ]);
}

/** Rewrites every countdown from its deadline; called once a second. */
export function tick() {
  const now = Date.now();
  document.querySelectorAll('.countdown[data-deadline]').forEach((node) => {
    const seconds = (Number(node.dataset.deadline) - now) / 1000;
    node.textContent = seconds > 0 ? span(seconds) : `expired ${span(seconds)}`;
  });
}
