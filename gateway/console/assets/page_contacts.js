// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Contacts: search and filter (GET /v1/contacts, paginated), opt-out status, and CSV import
// with a progress bar and a per-row error report. A file is sent in chunks of whole records
// (the header repeated, at most CHUNK_BYTES each, under the server's 1 MiB body limit); each
// chunk is one import transaction. The API reports the physical line a rejected record starts
// on within the chunk; each chunk keeps a map back to the file's line (records may span lines
// inside quotes, and blank lines are dropped).
import * as api from './api.js';
import { h, clear, field, section, errorBox, errorText, toast } from './dom.js';
import { t, num } from './i18n.js';

const CHUNK_BYTES = 512 * 1024;
const MAX_FILE_BYTES = 64 * 1024 * 1024;

// Splits CSV text into records (quote-aware: a newline inside quotes stays in its record).
// Returns [{text, line}] where line is the 1-based line the record starts on.
export function splitRecords(text) {
  const out = [];
  let start = 0;
  let line = 1;
  let startLine = 1;
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n') {
      if (!quoted) {
        out.push({ text: text.slice(start, i + 1), line: startLine });
        start = i + 1;
        startLine = line + 1;
      }
      ++line;
    }
  }
  if (start < text.length) out.push({ text: text.slice(start), line: startLine });
  return out.filter((r) => r.text.trim().length > 0);
}

const withNewline = (text) => (text.endsWith('\n') ? text : text + '\n');
const newlines = (text) => text.split('\n').length - 1;

export function chunks(records, maxBytes = CHUNK_BYTES) {
  const [header, ...rows] = records;
  const head = withNewline(header.text);
  const out = [];
  let cur = null;
  for (const r of rows) {
    const text = withNewline(r.text);
    if (!cur || (cur.rows > 0 && cur.bytes + text.length > maxBytes)) {
      cur = { text: head, lines: new Map([[1, header.line]]), next: 1 + newlines(head),
              bytes: head.length, rows: 0 };
      out.push(cur);
    }
    cur.lines.set(cur.next, r.line);  // chunk line -> file line
    cur.next += newlines(text);
    cur.text += text;
    cur.bytes += text.length;
    cur.rows += 1;
  }
  return out;
}

function statusBadge(status) {
  return h('span', { class: 'badge status-' + status }, t('status.' + status, {}, status));
}

function renderImport(onImported) {
  const file = h('input', { type: 'file', id: 'import-file', accept: '.csv,text/csv' });
  const country = h('input', { id: 'import-country', maxlength: 2, size: 3, placeholder: 'FR',
                               autocomplete: 'off' });
  const progress = h('progress', { id: 'import-progress', max: 100, value: 0, class: 'hidden' });
  const progressText = h('span', { id: 'import-progress-text', 'aria-live': 'polite' });
  const report = h('div', { id: 'import-report' });
  const button = h('button', { type: 'submit', id: 'import-start' }, t('contacts.import_start'));
  const form = h('form', { class: 'row' },
      field(t('contacts.import_file'), file, t('contacts.import_hint')),
      field(t('contacts.default_country'), country, t('contacts.default_country_hint')),
      h('div', { class: 'field actions' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(report);
    const f = file.files && file.files[0];
    if (!f) { report.append(errorBox({ code: 'no_file' })); return; }
    if (f.size > MAX_FILE_BYTES) { report.append(errorBox({ code: 'file_too_large' })); return; }
    const cc = country.value.trim().toUpperCase();
    if (cc && !/^[A-Z]{2}$/.test(cc)) { report.append(errorBox({ code: 'bad_country' })); return; }
    button.disabled = true;
    progress.classList.remove('hidden');
    try {
      let text = await f.text();
      if (!text.includes('\n')) text = text.replace(/\r/g, '\n');  // old Mac line ends
      const records = splitRecords(text);
      if (records.length < 2) { report.append(errorBox({ code: 'empty_csv' })); return; }
      const parts = chunks(records);
      const totalRows = records.length - 1;
      const sum = { rows: 0, inserted: 0, updated: 0, rejected: 0, rejections: [], truncated: false };
      let done = 0;
      for (const part of parts) {
        const r = await api.importCsv(part.text, { default_country: cc || undefined }, (sent, total) => {
          const rows = done + part.rows * (sent / total);
          progress.value = Math.round((rows / totalRows) * 100);
          progressText.textContent = t('contacts.import_progress', { done: num(Math.floor(rows)), total: num(totalRows) });
        });
        done += part.rows;
        progress.value = Math.round((done / totalRows) * 100);
        progressText.textContent = t('contacts.import_progress', { done: num(done), total: num(totalRows) });
        sum.rows += r.rows || 0;
        sum.inserted += r.inserted || 0;
        sum.updated += r.updated || 0;
        sum.rejected += r.rejected || 0;
        sum.truncated = sum.truncated || !!r.rejections_truncated;
        for (const rej of r.rejections || []) {
          const fileLine = part.lines.get(rej.line) || rej.line;
          sum.rejections.push({ ...rej, line: fileLine });
        }
      }
      report.append(h('p', { class: 'ok', id: 'import-summary' }, t('contacts.import_done', {
        rows: num(sum.rows), inserted: num(sum.inserted), updated: num(sum.updated),
        rejected: num(sum.rejected) })));
      if (sum.rejections.length) {
        report.append(h('table', { class: 'grid', id: 'import-rejections' },
            h('caption', {}, t('contacts.rejections')),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('contacts.line')),
                h('th', { scope: 'col' }, t('contacts.column')), h('th', { scope: 'col' }, t('contacts.reason')))),
            h('tbody', {}, sum.rejections.map((r) => h('tr', {},
                h('td', {}, String(r.line)), h('td', {}, r.column || ''),
                h('td', {}, r.reason ? r.reason + (r.detail ? ` (${r.detail})` : '') : (r.message || ''), r.duplicate_of_line
                    ? ' ' + t('contacts.duplicate_of', { line: r.duplicate_of_line }) : ''))))));
        if (sum.truncated) report.append(h('p', {}, t('contacts.rejections_truncated')));
      }
      toast(t('contacts.import_finished'));
      onImported();
    } catch (err) {
      report.append(errorBox(err));
      const rep = err.report;
      if (rep && rep.rejections) {
        report.append(h('ul', { id: 'import-rejections' }, rep.rejections.slice(0, 50).map((r) =>
            h('li', {}, `${t('contacts.line')} ${r.line}: ${r.column || ''} ${r.message || r.reason || ''}`))));
      }
    } finally {
      button.disabled = false;
    }
  });
  return section(t('contacts.import'), h('p', {}, t('contacts.import_intro')), form, progress,
                 progressText, report);
}

export async function render(main, r, ctx) {
  main.append(h('h1', {}, t('contacts.title')));
  if (!api.canReadContacts(ctx.role)) {
    main.append(h('p', {}, t('contacts.no_access')));
    return;
  }
  const filters = {
    phone: h('input', { id: 'flt-phone', type: 'search', autocomplete: 'off' }),
    language: h('input', { id: 'flt-language', maxlength: 35, size: 6, autocomplete: 'off' }),
    country: h('input', { id: 'flt-country', maxlength: 2, size: 3, autocomplete: 'off' }),
    group: h('input', { id: 'flt-group', maxlength: 64, autocomplete: 'off' }),
    status: h('select', { id: 'flt-status' }, h('option', { value: '' }, t('common.any')),
        ['active', 'opted_out', 'invalid'].map((s) => h('option', { value: s }, t('status.' + s)))),
  };
  const list = h('div', { id: 'contact-list', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary hidden', id: 'contacts-more' },
                 t('common.more'));
  let cursor = null;
  let tbody = null;
  let shown = 0;
  const params = () => ({
    phone: filters.phone.value.trim(), language: filters.language.value.trim(),
    country: filters.country.value.trim().toUpperCase(), group: filters.group.value.trim(),
    status: filters.status.value, limit: 50,
  });
  let loading = 0;  // a newer search makes an older answer stale
  async function load(reset) {
    const mine = reset ? ++loading : loading;
    if (reset) {
      clear(list);
      cursor = null;
      shown = 0;
      tbody = h('tbody', {});
      list.append(h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'contacts-table' },
          h('thead', {}, h('tr', {}, ['contacts.name', 'contacts.phone', 'contacts.language',
              'contacts.country', 'contacts.groups', 'contacts.status'].map((k) =>
              h('th', { scope: 'col' }, t(k))))), tbody)));
    }
    try {
      const page = await api.get('/v1/contacts' + api.qs({ ...params(), cursor }));
      if (mine !== loading) return;
      for (const c of page.items) {
        tbody.append(h('tr', { 'data-status': c.status },
            h('td', {}, c.name || '—'), h('td', { dir: 'ltr', class: 'mono' }, c.phone || ''),
            h('td', {}, c.language || ''), h('td', {}, c.country || ''),
            h('td', {}, (c.groups || []).join(', ')), h('td', {}, statusBadge(c.status))));
      }
      shown += page.items.length;
      cursor = page.next_cursor;
      more.classList.toggle('hidden', !cursor);
      if (shown === 0) tbody.append(h('tr', {}, h('td', { colspan: 6 }, t('contacts.none'))));
    } catch (err) {
      list.append(errorBox(err));
    }
  }
  more.addEventListener('click', () => load(false));
  const form = h('form', { class: 'row filters', role: 'search' },
      field(t('contacts.phone'), filters.phone), field(t('contacts.language'), filters.language),
      field(t('contacts.country'), filters.country), field(t('contacts.group'), filters.group),
      field(t('contacts.status'), filters.status),
      h('div', { class: 'field actions' }, h('button', { type: 'submit' }, t('common.search'))));
  form.addEventListener('submit', (e) => { e.preventDefault(); load(true); });
  filters.status.addEventListener('change', () => load(true));
  main.append(section(t('contacts.search'), form, list, more));
  if (api.canWrite(ctx.role)) main.append(renderImport(() => load(true)));
  await load(true);
}

export { errorText };
