// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Field devices: enrolment codes, the enrolled devices with when they were last seen, how
// many of their operations the gateway has durably applied (its high-water mark) and their
// outbox depth (records still waiting on the phone at its last sync, as the phone reported it
// with the time it did; "unknown" for an app too old to report it), and revocation. The device
// routes are newer than the rest of the API, so this page reads
// GET /v1/openapi.json (public) and offers exactly what the gateway it talks to declares:
// a list route (GET /v1/devices...), an enrolment-code route (POST ...enrol..., not the
// devices' own /v1/sync/enrol) and a revoke route (DELETE or POST .../{id}[/revoke]).
import * as api from './api.js';
import { h, clear, field, section, errorBox, splitList, toast } from './dom.js';
import { t, dateTime, num } from './i18n.js';

export async function discover() {
  const res = await fetch('/v1/openapi.json', { cache: 'no-store' });
  const doc = await res.json();
  const found = { list: null, code: null, revoke: null };
  for (const [path, ops] of Object.entries(doc.paths || {})) {
    if (!/device|enrol/.test(path) || path.startsWith('/v1/sync')) continue;
    if (ops.get && /devices\/?$/.test(path)) found.list = { path, op: ops.get };
    if (ops.post && /enrol/.test(path)) found.code = { path, op: ops.post };
    if (/\{[^}]+\}/.test(path)) {
      if (ops.delete && !/enrol/.test(path)) found.revoke = { path, method: 'DELETE' };
      else if (ops.post && /revoke/.test(path)) found.revoke = { path, method: 'POST' };
    }
  }
  return found;
}

// The protocol's bound on a reported depth (docs/sync-protocol.md section 2): "at least".
const OUTBOX_BOUND = 1000000;

// Outbox depth: null (never reported, e.g. an older app) reads "unknown", never 0.
function outboxCell(d) {
  if (d.outbox_depth == null) return h('td', { class: 'num muted' }, t('devices.outbox_unknown'));
  const n = Number(d.outbox_depth);
  return h('td', { class: 'num' }, num(n) + (n >= OUTBOX_BOUND ? '+' : ''),
      d.outbox_depth_at ? h('div', { class: 'hint' }, t('devices.outbox_at', { time: dateTime(d.outbox_depth_at) })) : null);
}

function fill(path, id) { return path.replace(/\{[^}]+\}/, encodeURIComponent(id)); }

export async function render(main, r, ctx) {
  main.append(h('h1', {}, t('devices.title')));
  let routes;
  try { routes = await discover(); } catch (err) { main.append(errorBox(err)); return; }
  if (!routes.list && !routes.code) {
    main.append(section(t('devices.title'), h('p', { id: 'devices-unavailable' }, t('devices.unavailable'))));
    return;
  }
  if (routes.code && api.canWrite(ctx.role)) {
    const team = h('input', { id: 'enrol-team', required: true, maxlength: 64, pattern: '[A-Za-z0-9._:\\-]+' });
    const scopes = h('input', { id: 'enrol-scopes', maxlength: 1000 });
    const hours = h('input', { id: 'enrol-hours', type: 'number', min: 1, max: 720, value: 72 });
    const out = h('div', { 'aria-live': 'polite', id: 'enrol-result' });
    const form = h('form', { class: 'row' }, field(t('devices.team'), team, t('devices.team_hint')),
        field(t('devices.scopes'), scopes, t('devices.scopes_hint')), field(t('devices.lifetime'), hours),
        h('div', { class: 'field actions' }, h('button', { type: 'submit', id: 'enrol-create' }, t('devices.create_code'))));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clear(out);
      try {
        const body = { team: team.value.trim(), lifetime: Math.round(Number(hours.value || 72) * 3600) };
        const extra = splitList(scopes.value);
        if (extra.length) body.scopes = extra;
        const res = await api.post(routes.code.path, body);
        out.append(h('p', {}, t('devices.code_once')), h('p', { class: 'code', id: 'enrol-code', dir: 'ltr' }, res.code || ''),
                   res.expires_at ? h('p', { class: 'hint' }, t('devices.expires', { time: dateTime(res.expires_at) })) : null);
      } catch (err) { out.append(errorBox(err)); }
    });
    main.append(section(t('devices.enrol'), h('p', {}, t('devices.enrol_intro')), form, out));
  }
  if (routes.list) {
    const body = h('tbody', {});
    main.append(section(t('devices.list'), h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'devices-table' },
        h('thead', {}, h('tr', {}, ['devices.device', 'devices.team', 'devices.enrolled', 'devices.last_sync', 'devices.applied', 'devices.outbox', 'devices.state', '']
            .map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))), body))));
    try {
      const page = await api.get(routes.list.path);
      for (const d of page.items || []) {
        const id = d.device_id || d.id;
        const revoked = !!(d.revoked || d.revoked_at);
        const revoke = routes.revoke && api.canWrite(ctx.role) && !revoked ? h('button', { type: 'button', class: 'danger small', onclick: async () => {
          if (!confirm(t('devices.confirm_revoke', { id }))) return;
          try {
            await api.request(fill(routes.revoke.path, id), { method: routes.revoke.method });
            toast(t('devices.revoked'));
            window.dispatchEvent(new HashChangeEvent('hashchange'));  // draw the page again
          } catch (err) { toast(err.message, 'error'); }
        } }, t('devices.revoke')) : null;
        body.append(h('tr', {}, h('td', { class: 'mono', dir: 'ltr' }, id), h('td', {}, d.team || ''),
            h('td', {}, d.enrolled_at ? dateTime(d.enrolled_at) : ''),
            h('td', {}, d.last_seen_at ? dateTime(d.last_seen_at) : t('devices.never')),
            h('td', { class: 'num' }, d.high_water_mark != null ? num(d.high_water_mark) : '–'),
            outboxCell(d),
            h('td', {}, revoked ? t('devices.revoked_at', { time: dateTime(d.revoked_at) }) : t('devices.active')), h('td', {}, revoke)));
      }
      if (!body.firstChild) body.append(h('tr', {}, h('td', { colspan: 8 }, t('devices.none'))));
    } catch (err) { body.append(h('tr', {}, h('td', { colspan: 8 }, errorBox(err)))); }
  }
}
