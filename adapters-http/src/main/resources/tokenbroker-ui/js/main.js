// The audit page's entry: asks for a key, then routes by the URL's fragment (#/ or #/connections/{t}/{c}), which
// names only what is shown, never the key.

import { apiKey, describe, isKeyRefused } from './api.js';
import { download, newerPage, olderPage, showConnection } from './connection.js';
import { $, message, show } from './dom.js';
import { showMoreConnections, showOverview, tick } from './overview.js';

const CONNECTION = /^#\/connections\/([^/]+)\/([^/]+)$/;

async function route() {
  message(null);
  if (!apiKey.get()) {
    show('key-view');
    $('api-key').focus();
    return;
  }
  const target = CONNECTION.exec(window.location.hash);
  const view = target ? 'connection-view' : 'overview-view';
  show(view);
  await guarded(() => (target
    ? showConnection(decodeURIComponent(target[1]), decodeURIComponent(target[2]))
    : showOverview()));
}

/** Runs a step of the page; a failure becomes a message, and a refused key brings the key form back. */
async function guarded(step) {
  try {
    await step();
  } catch (failed) {
    if (isKeyRefused(failed)) {
      apiKey.clear();
      show('key-view');
    }
    message(describe(failed));
  }
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('api-key').value.trim();
  $('api-key').value = '';
  if (key) {
    apiKey.set(key);
    route();
  }
});
$('forget-key').addEventListener('click', () => {
  apiKey.clear();
  // replaceState fires no hashchange, so the page routes once.
  window.history.replaceState(null, '', '#/');
  route();
});
$('more-connections').addEventListener('click', () => guarded(showMoreConnections));
$('older').addEventListener('click', () => guarded(olderPage));
$('newer').addEventListener('click', () => guarded(newerPage));
$('download-csv').addEventListener('click', () => download('csv'));
$('download-ndjson').addEventListener('click', () => download('ndjson'));
window.addEventListener('hashchange', route);
setInterval(tick, 1000);
route();
