// DOM helpers. Text goes in through textContent only: tenant ids, connection ids and upstream messages are data,
// never markup.

export function $(id) {
  return document.getElementById(id);
}

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  if (className) {
    node.className = className;
  }
  return node;
}

export function row(cells) {
  const tr = document.createElement('tr');
  cells.forEach((cell) => tr.append(cell instanceof Node ? cell : el('td', cell ?? '—')));
  return tr;
}

export function cell(content, className) {
  const td = el('td', null, className);
  td.append(content instanceof Node ? content : document.createTextNode(content ?? '—'));
  return td;
}

/** "4m 12s", "2h 5m", "3d 4h"; negative spans read "… ago". */
export function span(seconds) {
  const past = seconds < 0;
  let left = Math.abs(Math.round(seconds));
  const parts = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]]) {
    if (left >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
    if (parts.length === 2) {
      break;
    }
  }
  return past ? `${parts.join(' ')} ago` : parts.join(' ');
}

/** An ISO-8601 instant as "2026-12-03 11:05:00 UTC", or with milliseconds ("…:00.123 UTC") where rows are close. */
export function instant(iso, precise = false) {
  if (!iso) {
    return '—';
  }
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? iso
    : `${at.toISOString().slice(0, precise ? 23 : 19).replace('T', ' ')} UTC`;
}

export function show(view) {
  for (const id of ['key-view', 'overview-view', 'connection-view']) {
    $(id).hidden = id !== view;
  }
  $('nav').hidden = view === 'key-view';
}

export function message(text) {
  $('message').textContent = text ?? '';
  $('message').hidden = !text;
}
