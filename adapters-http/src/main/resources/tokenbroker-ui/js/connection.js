// One connection: its verification badge, refresh timeline and log table (paged with the broker's cursor, newest
// first), and the downloads.

import { describe, json } from './api.js';
import { $, cell, el, instant, row } from './dom.js';
import { downloadCsv, downloadNdjson, showVerification } from './exports.js';
import { drawTimeline } from './timeline.js';

const PAGE = 25;
const TIMELINE = 1000;
let current = null;

/** Shows tenant/connection; a failed first call is thrown to the caller, which shows the message. */
export async function showConnection(tenant, connection) {
  const base = `/v1/tenants/${encodeURIComponent(tenant)}/connections/${encodeURIComponent(connection)}/refresh-log`;
  current = { base, name: `refresh-log-${safe(tenant)}-${safe(connection)}`, cursors: [null], page: 0 };
  $('connection-title').textContent = `${tenant} / ${connection}`;
  $('download-status').textContent = '';
  $('log').tBodies[0].replaceChildren();
  await loadPage();
  const timeline = await json(`${base}?limit=${TIMELINE}`);
  drawTimeline($('timeline'), $('timeline-caption'), timeline.attempts, timeline.totals.attempts);
  await showVerification(base, $('verification'));
}

export async function olderPage() {
  current.page += 1;
  await loadPage();
}

export async function newerPage() {
  current.page = Math.max(0, current.page - 1);
  await loadPage();
}

async function loadPage() {
  const cursor = current.cursors[current.page];
  const history = await json(`${current.base}?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  current.cursors[current.page + 1] = history.next_cursor;
  const body = $('log').tBodies[0];
  body.replaceChildren(...history.attempts.map(logRow));
  if (history.attempts.length === 0) {
    const empty = el('td', 'No refresh attempts recorded yet.');
    empty.colSpan = 9;
    body.append(row([empty]));
  }
  const totals = history.totals;
  $('totals').textContent = `${totals.attempts} ${totals.attempts === 1 ? 'attempt' : 'attempts'}: `
    + `${totals.successes} succeeded, ${totals.failures} failed`
    + (totals.average_duration_ms === null ? '.' : `, ${totals.average_duration_ms} ms on average.`);
  $('newer').disabled = current.page === 0;
  $('older').disabled = !history.next_cursor;
}

function logRow(attempt) {
  const started = cell(instant(attempt.started_at, true));
  // The API's instants carry microseconds (what the hash chain covers); the title shows them whole.
  started.title = attempt.started_at;
  return row([
    started,
    cell(`${attempt.duration_ms} ms`, 'number'),
    cell(attempt.trigger),
    cell(attempt.outcome, `outcome outcome-${attempt.outcome}`),
    cell(String(attempt.attempt), 'number'),
    cell(attempt.upstream_status === null ? '—' : String(attempt.upstream_status), 'number'),
    cell(attempt.error_code),
    cell(attempt.message),
    cell(String(attempt.fence), 'number'),
  ]);
}

/** Runs a download and reports the outcome beside the buttons, never as a blank failure. */
export async function download(kind) {
  const status = $('download-status');
  status.textContent = 'Preparing the download…';
  try {
    status.textContent = kind === 'csv'
      ? await downloadCsv(current.base, current.name)
      : await downloadNdjson(current.base, current.name);
  } catch (failed) {
    status.textContent = `Download failed: ${describe(failed)}`;
  }
}

function safe(id) {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
