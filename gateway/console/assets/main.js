// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The console's entry point: sign-in, the navigation, and a hash router (#/contacts,
// #/segments/3, #/campaigns/<id>, #/monitor/<id>, #/results/<id>, #/devices) that renders one
// page module at a time. A page's render() may return a cleanup function (the monitor's
// event stream and timers), called before the next page renders.
import * as api from './api.js';
import { h, clear, field, errorBox } from './dom.js';
import { t, lang, setLang, languages, applyDocumentLanguage } from './i18n.js';
import * as contacts from './page_contacts.js';
import * as segments from './page_segments.js';
import * as campaigns from './page_campaigns.js';
import * as monitor from './page_monitor.js';
import * as results from './page_results.js';
import * as devices from './page_devices.js';

// Who is signed in (GET /v1/me), kept for the tab's life next to the token.
const ME_KEY = 'liaison.console.me';
const ctx = { role: '', tenant: '', tokenPrefix: '' };
function applyMe(me) {
  ctx.role = (me && me.role) || '';
  ctx.tenant = (me && me.tenant_id) || '';
  ctx.tokenPrefix = (me && me.token_prefix) || '';
}
function forgetMe() {
  sessionStorage.removeItem(ME_KEY);
  applyMe(null);
}
async function loadMe() {
  const me = await api.whoAmI();
  const kept = { role: me.role, tenant_id: me.tenant_id, token_prefix: me.token_prefix };
  sessionStorage.setItem(ME_KEY, JSON.stringify(kept));
  applyMe(kept);
}
try { applyMe(JSON.parse(sessionStorage.getItem(ME_KEY) || 'null')); } catch (_) { applyMe(null); }
let cleanup = null;
let generation = 0;  // a newer render() makes an older one's late results invisible

const NAV = [
  { id: 'contacts', hash: '#/contacts', label: 'nav.contacts', show: (r) => api.canReadContacts(r) },
  { id: 'segments', hash: '#/segments', label: 'nav.segments', show: () => true },
  { id: 'campaigns', hash: '#/campaigns', label: 'nav.campaigns', show: () => true },
  { id: 'monitor', hash: '#/monitor', label: 'nav.monitor', show: () => true },
  { id: 'results', hash: '#/results', label: 'nav.results', show: () => true },
  { id: 'devices', hash: '#/devices', label: 'nav.devices', show: () => true },
];

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('?')[0].split('/').filter(Boolean)
      .map(decodeURIComponent);
  const query = new URLSearchParams(location.hash.split('?')[1] || '');
  return { page: parts[0] || '', id: parts[1] || '', query };
}

function renderShell() {
  applyDocumentLanguage();
  document.title = t('app.title');
  const nav = clear(document.getElementById('nav'));
  const current = route().page;
  if (api.token()) {
    const list = h('ul', {});
    for (const item of NAV) {
      if (!item.show(ctx.role)) continue;
      list.append(h('li', {}, h('a', {
        href: item.hash, 'aria-current': current === item.id ? 'page' : false,
      }, t(item.label))));
    }
    nav.append(list);
  }
  const tools = clear(document.getElementById('tools'));
  const picker = h('select', { id: 'lang', 'aria-label': t('app.language') },
      languages().map((l) => h('option', { value: l.code, selected: l.code === lang() }, l.name)));
  picker.addEventListener('change', () => { setLang(picker.value); render(); });
  tools.append(picker);
  if (api.token()) {
    tools.append(h('span', { class: 'role', id: 'role', 'data-role': ctx.role, 'data-tenant': ctx.tenant,
                             title: `${ctx.tenant} · ${ctx.tokenPrefix}` },
                   t('role.' + ctx.role, {}, ctx.role)));
    tools.append(h('button', { type: 'button', class: 'secondary', id: 'signout',
                               onclick: signOut }, t('app.signout')));
  }
  const skip = document.getElementById('skip');
  skip.textContent = t('app.skip');
}

function signOut() {
  api.setToken('');
  forgetMe();
  location.hash = '#/';
  render();
}

function renderSignIn(main, message) {
  const input = h('input', { type: 'password', id: 'token', name: 'token', required: true,
                             autocomplete: 'off', spellcheck: 'false' });
  const status = h('div', { 'aria-live': 'polite' }, message ? errorBox(message) : null);
  const form = h('form', { class: 'card signin', id: 'signin' },
      h('h1', {}, t('signin.title')),
      h('p', {}, t('signin.intro')),
      field(t('signin.token'), input, t('signin.token_hint')),
      h('button', { type: 'submit' }, t('signin.submit')), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    api.setToken(input.value.trim());
    clear(status).append(h('p', {}, t('signin.checking')));
    try {
      await loadMe();
      const home = api.canReadContacts(ctx.role) ? '#/contacts' : '#/campaigns';
      if (!route().page && location.hash !== home) location.hash = home;  // hashchange renders
      else render();
    } catch (err) {
      api.setToken('');
      clear(status).append(errorBox(err));
    }
  });
  main.append(form);
  input.focus();
}

async function render(navigated) {
  const mine = ++generation;
  if (cleanup) { try { cleanup(); } catch (_) { /* ignore */ } cleanup = null; }
  renderShell();
  // Each render draws into its own container, so a slower earlier render that finishes late
  // draws into a detached element instead of on top of this one.
  const main = h('div', { class: 'view' });
  clear(document.getElementById('main')).append(main);
  if (!api.token()) { renderSignIn(main); return; }
  if (!ctx.role) {
    try { await loadMe(); } catch (err) {
      api.setToken('');
      renderShell();
      renderSignIn(main, err);
      return;
    }
    if (mine !== generation) return;
    renderShell();
  }
  const r = route();
  const pages = { contacts, segments, campaigns, monitor, results, devices };
  const page = pages[r.page] || (api.canReadContacts(ctx.role) ? contacts : campaigns);
  try {
    const c = await page.render(main, r, ctx);
    // After a navigation, keyboard and screen-reader users start at the new page's content.
    if (navigated === true && mine === generation) document.getElementById('main').focus({ preventScroll: true });
    if (typeof c === 'function') {
      if (mine === generation) cleanup = c;
      else c();  // already replaced: stop its timers now
    }
  } catch (err) {
    main.append(errorBox(err));
  }
}

api.setUnauthorizedHandler(() => {
  api.setToken('');
  forgetMe();
  render();
});

document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main').focus();
});
window.addEventListener('hashchange', () => render(true));
render();
