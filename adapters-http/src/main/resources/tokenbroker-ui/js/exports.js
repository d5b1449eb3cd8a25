// Downloads of a connection's whole refresh log (CSV, and NDJSON with the chain's hashes where the broker has it)
// and the chain-verification badge. Downloads are fetched with the key and saved from memory, so the key never
// becomes part of a link.

import { ApiError, describe, json, request } from './api.js';
import { instant } from './dom.js';

/** Every page of the CSV export joined into one file, the header row once. */
export async function downloadCsv(base, name) {
  const parts = [];
  let cursor = null;
  do {
    const response = await request(`${base}?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      'text/csv');
    const text = await response.text();
    parts.push(parts.length === 0 ? text : text.slice(text.indexOf('\r\n') + 2));
    cursor = response.headers.get('X-Next-Cursor');
  } while (cursor);
  save(new Blob(parts, { type: 'text/csv' }), `${name}.csv`);
  return `Saved ${name}.csv`;
}

/** The NDJSON export with hashes and checkpoint; a broker without it answers 404 or 406, which is said plainly. */
export async function downloadNdjson(base, name) {
  let response;
  try {
    response = await request(base, 'application/x-ndjson');
  } catch (failed) {
    if (failed instanceof ApiError && (failed.status === 404 || failed.status === 406)) {
      return 'NDJSON export is not available on this broker.';
    }
    throw failed;
  }
  if (!(response.headers.get('Content-Type') || '').includes('ndjson')) {
    return 'NDJSON export is not available on this broker.';
  }
  save(await response.blob(), `${name}.jsonl`);
  return `Saved ${name}.jsonl`;
}

function save(blob, fileName) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser reads the blob after click() returns; revoking at once can cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Fills the badge from GET …/refresh-log/verify: {verified, rows, head {seq, hash}, checkpoint {created_at, trust, …},
 * broken {seq, expected, found, reason}}. A broker without that endpoint answers 404.
 */
export async function showVerification(base, badge) {
  badge.className = 'badge';
  badge.title = '';
  badge.textContent = 'Verifying the hash chain…';
  try {
    const result = await json(`${base}/verify`);
    if (result.verified) {
      badge.classList.add('verified');
      badge.textContent = `Chain verified: ${result.rows} rows${checkpoint(result.checkpoint)}`;
      badge.title = result.head ? `head: row ${result.head.seq}, ${result.head.hash}` : '';
    } else if (result.broken) {
      const broken = result.broken;
      badge.classList.add('broken');
      badge.textContent = `Chain broken at row ${broken.seq}${broken.reason ? ` (${broken.reason})` : ''}: `
        + `expected ${short(broken.expected)}, found ${short(broken.found)}`;
      badge.title = `expected ${broken.expected}\nfound ${broken.found}`;
    } else {
      badge.classList.add('broken');
      badge.textContent = `Chain not verified: ${result.rows} rows${checkpoint(result.checkpoint)}`;
    }
  } catch (failed) {
    badge.textContent = failed instanceof ApiError && failed.status === 404
      ? 'Chain verification is not available on this broker.'
      : `Chain verification failed: ${describe(failed)}`;
  }
}

function checkpoint(line) {
  if (!line) {
    return ', no checkpoint yet';
  }
  const trust = { signed: 'signed', unsigned: 'unsigned', invalid: 'INVALID' }[line.trust] ?? line.trust ?? '';
  return `, ${trust} checkpoint of ${instant(line.created_at)}`;
}

/** A hash's first twelve characters; the badge's title has it whole. */
function short(hash) {
  return typeof hash === 'string' && hash.length > 16 ? `${hash.slice(0, 12)}…` : String(hash ?? '?');
}
