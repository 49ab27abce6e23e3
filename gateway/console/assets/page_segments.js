// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Segments: the list with live counts, and a filter editor (conditions combined with all/any,
// each optionally negated) showing how many contacts match as it is edited. The API has no
// count-only query for an unsaved filter, so the live count pages POST /v1/contacts/search
// (500 a page, at most COUNT_PAGES pages, then "more than"); saved segments show the server's
// own count. Filters the editor cannot show (nested groups) are kept as JSON text.
import * as api from './api.js';
import { h, clear, field, section, errorBox, debounce, splitList, joinList, toast } from './dom.js';
import { t, num } from './i18n.js';

const COUNT_PAGES = 10;
const FIELDS = ['language', 'location.country', 'location.region', 'location.city', 'time_zone',
                'status', 'groups', 'consent', 'consent.wording_version', 'custom.'];
const OPS = ['EQUALS', 'NOT_EQUALS', 'IN', 'NOT_IN', 'HAS', 'LESS', 'GREATER', 'EXISTS'];

// Editor model <-> liaison.v1.Filter JSON.
export function toFilter(model) {
  const conds = model.rows.map((row) => {
    const fieldName = row.field === 'custom.' ? 'custom.' + row.custom : row.field;
    const op = row.op.replace(/^OPERATOR_/, '');
    const c = { condition: { field: fieldName, op, values: op === 'EXISTS' ? [] : splitList(row.values) } };
    return row.negate ? { negate: c } : c;
  });
  if (conds.length === 1) return conds[0];
  return { [model.combine]: { filters: conds } };
}

function rowFromCondition(f) {
  const negate = !!f.negate;
  const c = negate ? f.negate.condition : f.condition;
  if (!c) return null;
  const custom = c.field && c.field.startsWith('custom.');
  return { field: custom ? 'custom.' : (c.field === 'country' ? 'location.country' : c.field),
           custom: custom ? c.field.slice(7) : '', op: String(c.op || 'EQUALS').replace(/^OPERATOR_/, ''),
           values: joinList(c.values), negate };
}

export function fromFilter(filter) {
  if (!filter) return { combine: 'all', rows: [] };
  const one = rowFromCondition(filter);
  if (one) return { combine: 'all', rows: [one] };
  for (const combine of ['all', 'any']) {
    if (filter[combine]) {
      const rows = (filter[combine].filters || []).map(rowFromCondition);
      if (rows.every(Boolean)) return { combine, rows };
    }
  }
  return null;  // not representable: edit as JSON
}

// {total, reachable, capped} for `filter` by paging the search.
async function countMatches(filter, signal) {
  let cursor = null;
  let total = 0;
  let reachable = 0;
  for (let page = 0; page < COUNT_PAGES; ++page) {
    const body = { filter, limit: 500 };
    if (cursor) body.cursor = cursor;
    const res = await api.post('/v1/contacts/search', body);
    if (signal.stale) return null;
    total += res.items.length;
    reachable += res.items.filter((c) => c.status === 'active').length;
    cursor = res.next_cursor;
    if (!cursor) return { total, reachable, capped: false };
  }
  return { total, reachable, capped: true };
}

function editor(main, segment, ctx) {
  const writable = api.canWrite(ctx.role);
  let model = fromFilter(segment.filter) || { combine: 'all', rows: [] };
  const jsonMode = !fromFilter(segment.filter) && !!segment.filter;
  const name = h('input', { id: 'seg-name', value: segment.name || '', maxlength: 200, required: true });
  const combine = h('select', { id: 'seg-combine' },
      h('option', { value: 'all', selected: model.combine === 'all' }, t('segments.all')),
      h('option', { value: 'any', selected: model.combine === 'any' }, t('segments.any')));
  const rowsEl = h('div', { id: 'seg-rows', class: 'rows' });
  const jsonText = h('textarea', { id: 'seg-json', rows: 8, class: jsonMode ? '' : 'hidden' },
                     jsonMode ? JSON.stringify(segment.filter, null, 2) : '');
  const count = h('p', { id: 'seg-count', class: 'count', 'aria-live': 'polite' });
  const status = h('div', { 'aria-live': 'polite' });
  let token = { stale: false };

  const current = () => (jsonMode ? JSON.parse(jsonText.value) : toFilter(model));
  const refreshCount = debounce(async () => {
    token.stale = true;
    token = { stale: false };
    const mine = token;
    if (!jsonMode && model.rows.length === 0) { count.textContent = t('segments.add_condition_hint'); return; }
    let filter;
    try { filter = current(); } catch (_) { count.textContent = t('error.invalid_json'); return; }
    if (!api.canReadContacts(ctx.role)) { count.textContent = ''; return; }
    count.textContent = t('segments.counting');
    try {
      const c = await countMatches(filter, mine);
      if (!c) return;
      count.dataset.total = String(c.total);
      count.textContent = t(c.capped ? 'segments.count_capped' : 'segments.count',
                            { total: num(c.total), reachable: num(c.reachable) });
    } catch (err) {
      if (!mine.stale) { clear(count).append(errorBox(err)); }
    }
  }, 400);

  function drawRows() {
    clear(rowsEl);
    model.rows.forEach((row, i) => {
      const fieldSel = h('select', { 'aria-label': t('segments.field'), class: 'seg-field', disabled: !writable },
          FIELDS.map((f) => h('option', { value: f, selected: row.field === f }, t('field.' + f, {}, f))));
      const custom = h('input', { 'aria-label': t('segments.custom_key'), value: row.custom || '',
                                  class: row.field === 'custom.' ? 'seg-custom' : 'seg-custom hidden',
                                  maxlength: 64, size: 10, disabled: !writable });
      const op = h('select', { 'aria-label': t('segments.operator'), class: 'seg-op', disabled: !writable },
          OPS.map((o) => h('option', { value: o, selected: row.op === o }, t('op.' + o, {}, o))));
      const values = h('input', { 'aria-label': t('segments.values'), value: row.values || '',
                                  class: 'seg-values', placeholder: t('segments.values_hint'),
                                  disabled: !writable || row.op === 'EXISTS' });
      const negate = h('input', { type: 'checkbox', checked: row.negate, class: 'seg-negate', disabled: !writable });
      const remove = h('button', { type: 'button', class: 'secondary small', disabled: !writable,
                                   'aria-label': t('segments.remove_condition', { n: i + 1 }) }, '×');
      const update = () => {
        row.field = fieldSel.value; row.custom = custom.value.trim(); row.op = op.value;
        row.values = values.value; row.negate = negate.checked;
        custom.classList.toggle('hidden', row.field !== 'custom.');
        values.disabled = !writable || row.op === 'EXISTS';
        refreshCount();
      };
      for (const el of [fieldSel, custom, op, values, negate]) {
        el.addEventListener('input', update);
        el.addEventListener('change', update);
      }
      remove.addEventListener('click', () => { model.rows.splice(i, 1); drawRows(); refreshCount(); });
      rowsEl.append(h('div', { class: 'cond', 'data-index': i },
          h('label', { class: 'inline' }, negate, t('segments.not')), fieldSel, custom, op, values, remove));
    });
  }
  combine.addEventListener('change', () => { model.combine = combine.value; refreshCount(); });
  jsonText.addEventListener('input', refreshCount);
  const add = h('button', { type: 'button', class: 'secondary', id: 'seg-add', disabled: !writable || jsonMode },
                t('segments.add_condition'));
  add.addEventListener('click', () => {
    model.rows.push({ field: 'language', custom: '', op: 'EQUALS', values: '', negate: false });
    drawRows();
    rowsEl.lastChild.querySelector('.seg-values').focus();
  });
  const save = h('button', { type: 'submit', id: 'seg-save', class: writable ? '' : 'hidden' }, t('common.save'));
  const form = h('form', {},
      field(t('segments.name'), name),
      jsonMode ? h('p', {}, t('segments.json_mode')) : field(t('segments.combine'), combine),
      rowsEl, jsonText, add, count, h('div', { class: 'actions' }, save), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(status);
    let filter;
    try { filter = current(); } catch (_) { status.append(errorBox({ code: 'invalid_json' })); return; }
    try {
      const body = { name: name.value.trim(), filter };
      const saved = segment.id ? await api.put('/v1/segments/' + segment.id, body)
                               : await api.post('/v1/segments', body);
      toast(t('segments.saved', { total: num(saved.count ? saved.count.total : 0) }));
      location.hash = '#/segments/' + saved.id;
    } catch (err) {
      status.append(errorBox(err));
    }
  });
  drawRows();
  refreshCount();
  main.append(section(segment.id ? t('segments.edit') : t('segments.new'), form));
}

export async function render(main, r, ctx) {
  main.append(h('h1', {}, t('segments.title')));
  if (r.id === 'new') { editor(main, { name: '', filter: null }, ctx); return; }
  if (r.id) {
    const seg = await api.get('/v1/segments/' + encodeURIComponent(r.id));
    if (seg.count) {
      main.append(h('p', { class: 'count', id: 'seg-saved-count' }, t('segments.count',
          { total: num(seg.count.total), reachable: num(seg.count.reachable) })));
    }
    editor(main, seg, ctx);
    return;
  }
  const list = h('tbody', {});
  const table = h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'segments-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('segments.name')),
          h('th', { scope: 'col', class: 'num' }, t('segments.total')),
          h('th', { scope: 'col', class: 'num' }, t('segments.reachable')), h('th', { scope: 'col' }, ''))),
      list));
  const newButton = api.canWrite(ctx.role)
      ? h('a', { class: 'button', href: '#/segments/new', id: 'seg-new' }, t('segments.new')) : null;
  main.append(section(t('segments.list'), newButton, table));
  let cursor = null;
  do {
    const page = await api.get('/v1/segments' + api.qs({ cursor, limit: 100 }));
    for (const s of page.items) {
      const delButton = api.canWrite(ctx.role) ? h('button', { type: 'button', class: 'secondary small',
          onclick: async () => {
            if (!confirm(t('segments.confirm_delete', { name: s.name }))) return;
            try { await api.del('/v1/segments/' + s.id); window.dispatchEvent(new HashChangeEvent('hashchange')); } catch (err) { toast(err.message, 'error'); }
          } }, t('common.delete')) : null;
      list.append(h('tr', {}, h('td', {}, h('a', { href: '#/segments/' + s.id }, s.name)),
          h('td', { class: 'num' }, s.count ? num(s.count.total) : ''),
          h('td', { class: 'num' }, s.count ? num(s.count.reachable) : ''), h('td', {}, delButton)));
    }
    cursor = page.next_cursor;
  } while (cursor);
  if (!list.firstChild) list.append(h('tr', {}, h('td', { colspan: 4 }, t('segments.none'))));
}
