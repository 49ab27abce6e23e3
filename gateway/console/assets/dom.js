// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// DOM helpers. Every text reaches the page through text nodes or attributes, never through
// innerHTML, so names and message texts from the API cannot inject markup (and the CSP
// forbids inline script anyway).
import { t } from './i18n.js';

// h('button', {class: 'x', onclick: fn, disabled: true}, 'text', child, [more]) -> Element
export function h(tag, attrs, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
                 : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), v);
    } else if (k === 'value' && !svg) {
      el.value = v;
    } else if (k === 'checked' && !svg) {
      el.checked = !!v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let idCounter = 0;
export function uid(prefix) { return `${prefix || 'f'}-${++idCounter}`; }

// A labelled form field: h('div.field', label, control, hint).
export function field(label, control, hint) {
  if (!control.id) control.id = uid('f');
  const hintEl = hint ? h('small', { class: 'hint', id: control.id + '-hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

// A page section with a heading.
export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

// Transient status line for the whole app (aria-live).
export function toast(text, kind) {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = text;
  el.className = 'toast ' + (kind || 'info');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.className = 'toast hidden'; }, 6000);
}

// An API error as one line the officer can act on.
export function errorText(err) {
  if (!err) return '';
  if (err.code) {
    const known = t('error.' + err.code, {}, '');
    const base = known || err.message || err.code;
    const details = Array.isArray(err.details) && err.details.length
        ? ': ' + err.details.slice(0, 5).join('; ') : '';
    return base + details;
  }
  return t('error.network');
}

export function errorBox(err) {
  return h('p', { class: 'error', role: 'alert' }, errorText(err));
}

// Debounce for live previews and counts.
export function debounce(fn, ms) {
  let timer = null;
  const d = (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  d.cancel = () => clearTimeout(timer);
  return d;
}

// Saves `text` as a file named `name` (a blob: URL on a temporary link).
export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// Comma-separated words <-> array.
export function splitList(text) {
  return String(text || '').split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}
export function joinList(list) { return (list || []).join(', '); }
