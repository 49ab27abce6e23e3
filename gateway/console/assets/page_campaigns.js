// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Campaigns: the list, and one editor for polls and notices over the campaign's own JSON
// (liaison.v1.Campaign in the proto3 JSON mapping, docs/api.md), so what is edited is exactly
// what the API stores. Structural edits (a question, choice or branch added or removed) redraw
// the editor; typing only updates the model. A saved draft is saved again as it is edited
// (debounced) and the API's preview then shows each language's exact SMS with its encoding,
// segment count and recipients, and the validation problems. Start, pause, resume and cancel
// are shown to roles that may use them (admin, officer) only; the API refuses them to others.
import * as api from './api.js';
import { h, clear, field, section, errorBox, debounce, splitList, joinList, toast } from './dom.js';
import { t, num, dateTime, timeOfDay } from './i18n.js';

const KINDS = ['single_choice', 'yes_no', 'number', 'free_text'];
const EDITABLE = ['CAMPAIGN_STATE_DRAFT', 'CAMPAIGN_STATE_SCHEDULED'];

export const stateName = (s) => t('state.' + String(s || '').replace('CAMPAIGN_STATE_', '').toLowerCase(), {}, s);

// ---- LocalizedText / LocalizedWords helpers

function getText(lt, lang) {
  const tr = ((lt && lt.translations) || []).find((x) => x.language === lang);
  return tr ? tr.text : '';
}
function setText(owner, key, lang, text) {
  if (!owner[key]) owner[key] = { translations: [] };
  const list = owner[key].translations;
  const i = list.findIndex((x) => x.language === lang);
  if (text === '') { if (i >= 0) list.splice(i, 1); } else if (i >= 0) list[i].text = text;
  else list.push({ language: lang, text });
}
function getWords(words, lang) {
  const w = (words || []).find((x) => x.language === lang);
  return w ? joinList(w.words) : '';
}
function setWords(owner, key, lang, text) {
  if (!owner[key]) owner[key] = [];
  const list = owner[key];
  const i = list.findIndex((x) => x.language === lang);
  const words = splitList(text);
  if (!words.length) { if (i >= 0) list.splice(i, 1); } else if (i >= 0) list[i].words = words;
  else list.push({ language: lang, words });
}

// Languages that appear anywhere in the campaign's texts.
function languagesOf(c) {
  const out = new Set();
  const walk = (v) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (typeof v.language === 'string' && v.language) out.add(v.language);
      Object.values(v).forEach(walk);
    }
  };
  walk(c.notice);
  walk(c.poll);
  return [...out];
}

// Drops empty texts so the API is not sent {"translations": []} where nothing was written.
function cleaned(c) {
  const copy = JSON.parse(JSON.stringify(c));
  const prune = (v) => {
    if (Array.isArray(v)) return v.forEach(prune);
    if (!v || typeof v !== 'object') return undefined;
    for (const [k, x] of Object.entries(v)) {
      if (x && typeof x === 'object' && Array.isArray(x.translations) && x.translations.length === 0) delete v[k];
      else if (Array.isArray(x) && x.length === 0 && ['synonyms', 'yes_words', 'no_words', 'branches'].includes(k)) delete v[k];
      else prune(x);
    }
    return undefined;
  };
  prune(copy);
  for (const k of ['id', 'tenant_id', 'state', 'created_at', 'updated_at', 'kind', 'messages', 'problems']) delete copy[k];
  return copy;
}

// ---- seconds <-> "3600s"
const secs = (d) => (d ? Math.round(parseFloat(String(d))) : NaN);
const dur = (s) => `${Math.round(s)}s`;
const two = (n) => String(n).padStart(2, '0');
const hhmm = (lt) => (lt ? `${two(lt.hour || 0)}:${two(lt.minute || 0)}` : '');
const localTime = (s) => { const [hh, mm] = s.split(':').map(Number); return { hour: hh, minute: mm }; };
function toLocalInput(iso) {
  const d = new Date(iso || 0);
  if (!(d.getTime() > 0)) return '';  // unset (the API shows an unset time as 1970)
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

// ---- the list

async function renderList(main, ctx) {
  main.append(h('h1', {}, t('campaigns.title')));
  const actions = api.canWrite(ctx.role) ? h('div', { class: 'actions' },
      h('a', { class: 'button', href: '#/campaigns/new?kind=poll', id: 'new-poll' }, t('campaigns.new_poll')),
      h('a', { class: 'button secondary', href: '#/campaigns/new?kind=notice', id: 'new-notice' }, t('campaigns.new_notice'))) : null;
  const body = h('tbody', {});
  main.append(section(t('campaigns.list'), actions, h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'campaigns-table' },
      h('thead', {}, h('tr', {}, ['campaigns.name', 'campaigns.kind', 'campaigns.state', 'campaigns.created', '']
          .map((k) => h('th', { scope: 'col' }, k ? t(k) : '')))), body))));
  const page = await api.get('/v1/campaigns' + api.qs({ limit: 100 }));
  for (const c of page.items) {
    body.append(h('tr', { 'data-id': c.id },
        h('td', {}, h('a', { href: '#/campaigns/' + c.id }, c.name)),
        h('td', {}, t('kind.' + c.kind, {}, c.kind)),
        h('td', {}, h('span', { class: 'badge ' + String(c.state).toLowerCase() }, stateName(c.state))),
        h('td', {}, dateTime(c.created_at)),
        h('td', {}, h('a', { href: '#/monitor/' + c.id }, t('nav.monitor')), ' · ',
          h('a', { href: '#/results/' + c.id }, t('nav.results')))));
  }
  if (!page.items.length) body.append(h('tr', {}, h('td', { colspan: 5 }, t('campaigns.none'))));
}

// ---- the editor

function newCampaign(kind) {
  const c = { name: '', segment_id: '', fallback_language: 'en', resend_policy: kind === 'poll' ? 'RESEND_POLICY_NEVER' : 'RESEND_POLICY_AT_LEAST_ONCE' };
  if (kind === 'poll') {
    c.poll = { questions: [{ id: 'q1', prompt: { translations: [] },
      single_choice: { keys: 'KEYS_NUMBERS', choices: [{ id: 'yes', label: { translations: [] } }, { id: 'no', label: { translations: [] } }] } }] };
  } else {
    c.notice = { body: { translations: [] } };
  }
  return c;
}

function kindOf(q) { return KINDS.find((k) => q[k]) || 'free_text'; }

export async function renderEditor(main, r, ctx) {
  const writable = api.canWrite(ctx.role);
  let c;
  if (r.id === 'new') c = newCampaign(r.query.get('kind') === 'notice' ? 'notice' : 'poll');
  else c = await api.get('/v1/campaigns/' + encodeURIComponent(r.id));
  const editable = writable && (!c.id || EDITABLE.includes(c.state));
  const segPage = await api.get('/v1/segments' + api.qs({ limit: 500 }));
  let langs = languagesOf(c);
  if (!langs.length) langs = ['en', 'fr'];

  main.append(h('h1', {}, c.id ? c.name : t(c.poll ? 'campaigns.new_poll' : 'campaigns.new_notice')));
  const head = h('div', { id: 'campaign-head' });
  const editorEl = h('div', { id: 'campaign-editor' });
  const previewEl = h('div', { id: 'preview', 'aria-live': 'polite' });
  const status = h('div', { id: 'save-status', 'aria-live': 'polite' });
  main.append(head, h('div', { class: 'split' }, h('div', { class: 'main-col' }, editorEl),
                      h('aside', { class: 'side-col' }, section(t('campaigns.preview'), previewEl))), status);

  const inp = (attrs, get, set) => {
    const el = h(attrs.tag || 'input', { ...attrs, tag: undefined, disabled: !editable || attrs.disabled }, attrs.tag === 'textarea' ? get() : null);
    if (attrs.tag !== 'textarea' && attrs.type !== 'checkbox') el.value = get() ?? '';
    if (attrs.type === 'checkbox') el.checked = !!get();
    el.addEventListener(attrs.type === 'checkbox' || attrs.tag === 'select' ? 'change' : 'input', () => {
      set(attrs.type === 'checkbox' ? el.checked : el.value);
      changed();
    });
    return el;
  };
  // One input per language for a LocalizedText.
  const perLang = (label, owner, key, opts = {}) => h('fieldset', { class: 'langs' }, h('legend', {}, label),
      langs.map((l) => field(`${l}`, inp({ tag: opts.multiline ? 'textarea' : 'input', rows: opts.rows || 2, lang: l, dir: 'auto',
          'data-lang': l, class: opts.cls || '', maxlength: 1600 },
          () => getText(owner[key], l), (v) => setText(owner, key, l, v)))));
  const perLangWords = (label, owner, key, cls) => h('fieldset', { class: 'langs' }, h('legend', {}, label),
      langs.map((l) => field(`${l}`, inp({ lang: l, dir: 'auto', 'data-lang': l, class: cls || '', placeholder: t('campaigns.words_hint') },
          () => getWords(owner[key], l), (v) => setWords(owner, key, l, v)))));

  function questionEditor(q, qi, questions) {
    const kind = kindOf(q);
    const ids = questions.map((x) => x.id).filter((id) => id && id !== q.id);
    const kindSel = inp({ tag: 'select', class: 'q-kind' }, () => kind, (v) => {
      for (const k of KINDS) delete q[k];
      q[v] = v === 'single_choice' ? { keys: 'KEYS_NUMBERS', choices: [] } : v === 'number' ? { min: 0, max: 100, integer_only: true }
        : v === 'free_text' ? { max_chars: 160 } : {};
      delete q.branches;
      redraw();
    });
    for (const k of KINDS) kindSel.append(h('option', { value: k, selected: k === kind }, t('qkind.' + k)));
    const box = h('fieldset', { class: 'question', 'data-question': q.id },
        h('legend', {}, t('campaigns.question_n', { n: qi + 1 })),
        h('div', { class: 'row' },
          field(t('campaigns.question_id'), inp({ class: 'q-id', maxlength: 64, size: 8 }, () => q.id, (v) => { q.id = v.trim(); })),
          field(t('campaigns.question_kind'), kindSel),
          field(t('campaigns.max_reasks'), inp({ type: 'number', min: 0, max: 5, class: 'q-reasks' }, () => q.max_reasks || 0,
              (v) => { q.max_reasks = Math.max(0, Math.min(5, parseInt(v, 10) || 0)); }))),
        perLang(t('campaigns.prompt'), q, 'prompt', { multiline: true, rows: 3, cls: 'q-prompt' }),
        h('p', { class: 'hint' }, t('campaigns.prompt_hint')));
    if (kind === 'single_choice') {
      const sc = q.single_choice;
      const keys = inp({ tag: 'select', class: 'q-keys' }, () => sc.keys || 'KEYS_NUMBERS', (v) => { sc.keys = v; });
      keys.append(h('option', { value: 'KEYS_NUMBERS', selected: sc.keys !== 'KEYS_LETTERS' }, t('campaigns.keys_numbers')),
                  h('option', { value: 'KEYS_LETTERS', selected: sc.keys === 'KEYS_LETTERS' }, t('campaigns.keys_letters')));
      box.append(field(t('campaigns.keys'), keys));
      // The prompt is the exact SMS: people answer with the keys they read in it.
      if (editable) {
        box.append(h('button', { type: 'button', class: 'secondary small add-keys', onclick: () => {
          for (const l of langs) {
            const lines = (sc.choices || []).map((ch, i) => {
              const key = sc.keys === 'KEYS_LETTERS' ? String.fromCharCode(65 + i) : String(i + 1);
              return `${key}) ${getText(ch.label, l) || ch.id}`;
            });
            const prompt = getText(q.prompt, l);
            if (lines.length && !prompt.includes(lines[0])) setText(q, 'prompt', l, `${prompt}\n${lines.join('\n')}`.trim());
          }
          redraw();
          changed();
        } }, t('campaigns.add_keys')));
      }
      (sc.choices || []).forEach((ch, ci) => {
        box.append(h('fieldset', { class: 'choice', 'data-choice': ch.id }, h('legend', {}, t('campaigns.choice_n', { n: ci + 1 })),
            field(t('campaigns.choice_id'), inp({ class: 'c-id', maxlength: 64, size: 8 }, () => ch.id, (v) => { ch.id = v.trim(); })),
            perLang(t('campaigns.choice_label'), ch, 'label', { cls: 'c-label' }),
            perLangWords(t('campaigns.synonyms'), ch, 'synonyms', 'c-syn'),
            editable ? h('button', { type: 'button', class: 'secondary small', onclick: () => { sc.choices.splice(ci, 1); redraw(); } },
                t('campaigns.remove_choice')) : null));
      });
      if (editable) box.append(h('button', { type: 'button', class: 'secondary small add-choice', onclick: () => {
        sc.choices = sc.choices || [];
        sc.choices.push({ id: 'c' + (sc.choices.length + 1), label: { translations: [] } });
        redraw();
      } }, t('campaigns.add_choice')));
    } else if (kind === 'yes_no') {
      box.append(perLangWords(t('campaigns.yes_words'), q.yes_no, 'yes_words'), perLangWords(t('campaigns.no_words'), q.yes_no, 'no_words'));
    } else if (kind === 'number') {
      const n = q.number;
      box.append(h('div', { class: 'row' },
          field(t('campaigns.min'), inp({ type: 'number', step: 'any' }, () => n.min ?? 0, (v) => { n.min = Number(v); })),
          field(t('campaigns.max'), inp({ type: 'number', step: 'any' }, () => n.max ?? 0, (v) => { n.max = Number(v); })),
          h('label', { class: 'inline' }, inp({ type: 'checkbox' }, () => n.integer_only, (v) => { n.integer_only = v; }), t('campaigns.integer_only'))));
    } else {
      const ft = q.free_text;
      box.append(field(t('campaigns.max_chars'), inp({ type: 'number', min: 1, max: 1600 }, () => ft.max_chars || 160,
          (v) => { ft.max_chars = parseInt(v, 10) || 160; })));
    }
    box.append(perLang(t('campaigns.reask'), q, 'reask_prompt', { multiline: true, cls: 'q-reask' }));
    // Branching: rules in order, then next_question_id, then the end.
    const gotoSelect = (get, set, withEnd) => {
      const s = inp({ tag: 'select' }, get, set);
      if (withEnd) s.append(h('option', { value: '' }, t('campaigns.next_in_order')));
      for (const id of ids) s.append(h('option', { value: id, selected: get() === id }, id));
      return s;
    };
    const branches = h('fieldset', { class: 'branches' }, h('legend', {}, t('campaigns.branching')));
    (q.branches || []).forEach((b, bi) => {
      let when;
      if (kind === 'single_choice') {
        when = inp({ tag: 'select', 'aria-label': t('campaigns.when') }, () => b.choice_id, (v) => { b.choice_id = v; });
        for (const ch of q.single_choice.choices || []) when.append(h('option', { value: ch.id, selected: b.choice_id === ch.id }, ch.id));
      } else if (kind === 'yes_no') {
        when = inp({ tag: 'select', 'aria-label': t('campaigns.when') }, () => String(b.yes), (v) => { b.yes = v === 'true'; });
        when.append(h('option', { value: 'true', selected: b.yes === true }, t('common.yes')), h('option', { value: 'false', selected: b.yes === false }, t('common.no')));
      } else {
        b.in_range = b.in_range || { min: 0, max: 0 };
        when = h('span', {}, inp({ type: 'number', step: 'any', 'aria-label': t('campaigns.min'), size: 5 }, () => b.in_range.min, (v) => { b.in_range.min = Number(v); }),
            '–', inp({ type: 'number', step: 'any', 'aria-label': t('campaigns.max'), size: 5 }, () => b.in_range.max, (v) => { b.in_range.max = Number(v); }));
      }
      branches.append(h('div', { class: 'cond' }, t('campaigns.if_answer'), ' ', when, ' → ',
          gotoSelect(() => b.goto_question_id, (v) => { b.goto_question_id = v; }, false),
          editable ? h('button', { type: 'button', class: 'secondary small', 'aria-label': t('campaigns.remove_branch'),
              onclick: () => { q.branches.splice(bi, 1); redraw(); } }, '×') : null));
    });
    if (editable && kind !== 'free_text' && ids.length) {
      branches.append(h('button', { type: 'button', class: 'secondary small', onclick: () => {
        q.branches = q.branches || [];
        const rule = { goto_question_id: ids[0] };
        if (kind === 'single_choice') rule.choice_id = (q.single_choice.choices[0] || {}).id || '';
        else if (kind === 'yes_no') rule.yes = true;
        else rule.in_range = { min: 0, max: 0 };
        q.branches.push(rule);
        redraw();
      } }, t('campaigns.add_branch')));
    }
    branches.append(field(t('campaigns.then'), gotoSelect(() => q.next_question_id || '', (v) => { if (v) q.next_question_id = v; else delete q.next_question_id; }, true)));
    box.append(branches);
    if (editable) {
      box.append(h('div', { class: 'actions' },
          qi > 0 ? h('button', { type: 'button', class: 'secondary small', onclick: () => { questions.splice(qi - 1, 0, questions.splice(qi, 1)[0]); redraw(); } }, t('campaigns.move_up')) : null,
          h('button', { type: 'button', class: 'secondary small', onclick: () => { questions.splice(qi, 1); redraw(); } }, t('campaigns.remove_question'))));
    }
    return box;
  }

  function drawHead() {
    clear(head);
    if (!c.id) return;
    const st = c.state;
    const act = (label, path, id, confirmKey) => h('button', { type: 'button', id, class: id === 'act-cancel' ? 'danger' : '', onclick: async () => {
      if (confirmKey && !confirm(t(confirmKey))) return;
      try {
        await saveNow();
        const res = await api.post(`/v1/campaigns/${c.id}/${path}`, {});
        toast(t('campaigns.done_' + path, { n: num(res.planned ?? res.messages_affected ?? 0) }));
        location.hash = path === 'start' ? '#/monitor/' + c.id : location.hash;
        if (path !== 'start') { const fresh = await api.get('/v1/campaigns/' + c.id); c.state = fresh.state; drawHead(); }
      } catch (err) { clear(status).append(errorBox(err)); }
    } }, label);
    const buttons = [];
    if (writable) {
      if (EDITABLE.includes(st)) buttons.push(act(t('campaigns.start'), 'start', 'act-start', 'campaigns.confirm_start'));
      // Starting a running campaign again sends it to people who joined its segment since.
      if (st === 'CAMPAIGN_STATE_RUNNING') buttons.push(act(t('campaigns.start_again'), 'start', 'act-start', 'campaigns.confirm_start_again'));
      if (st === 'CAMPAIGN_STATE_RUNNING' || st === 'CAMPAIGN_STATE_SCHEDULED') buttons.push(act(t('campaigns.pause'), 'pause', 'act-pause'));
      if (st === 'CAMPAIGN_STATE_PAUSED') buttons.push(act(t('campaigns.resume'), 'resume', 'act-resume'));
      if (!['CAMPAIGN_STATE_COMPLETED', 'CAMPAIGN_STATE_CANCELLED'].includes(st)) buttons.push(act(t('campaigns.cancel'), 'cancel', 'act-cancel', 'campaigns.confirm_cancel'));
    }
    head.append(...[h('p', {}, t('campaigns.state'), ': ', h('span', { class: 'badge', id: 'campaign-state' }, stateName(st)), ' · ',
        h('a', { href: '#/monitor/' + c.id }, t('nav.monitor')), ' · ', h('a', { href: '#/results/' + c.id }, t('nav.results'))),
        buttons.length ? h('div', { class: 'actions', id: 'campaign-actions' }, buttons) : null,
        !writable ? h('p', { class: 'hint' }, t('campaigns.read_only_role')) : null].filter(Boolean));
  }

  function redraw() {
    clear(editorEl);
    const segSel = inp({ tag: 'select', id: 'c-segment', required: true }, () => c.segment_id, (v) => { c.segment_id = v; });
    segSel.append(h('option', { value: '' }, t('campaigns.choose_segment')));
    for (const s of segPage.items) {
      segSel.append(h('option', { value: String(s.id), selected: String(s.id) === String(c.segment_id) },
          `${s.name} (${num(s.count ? s.count.reachable : 0)})`));
    }
    const langInput = h('input', { id: 'c-languages', value: langs.join(', '), disabled: !editable });
    langInput.addEventListener('change', () => { const l = splitList(langInput.value); if (l.length) { langs = l; redraw(); } });
    const sch = c.schedule || {};
    const setSch = (fn) => { c.schedule = c.schedule || {}; fn(c.schedule); };
    editorEl.append(section(t('campaigns.basics'),
        field(t('campaigns.name'), inp({ id: 'c-name', maxlength: 200, required: true }, () => c.name, (v) => { c.name = v; })),
        field(t('campaigns.segment'), segSel),
        h('div', { class: 'row' },
          field(t('campaigns.languages'), langInput, t('campaigns.languages_hint')),
          field(t('campaigns.fallback'), inp({ id: 'c-fallback', maxlength: 35, size: 6 }, () => c.fallback_language, (v) => { c.fallback_language = v.trim(); }),
              t('campaigns.fallback_hint')))));
    if (c.notice) {
      editorEl.append(section(t('campaigns.notice'), perLang(t('campaigns.notice_body'), c.notice, 'body', { multiline: true, rows: 4, cls: 'n-body' })));
    } else {
      const p = c.poll;
      const qs = section(t('campaigns.questions'), perLang(t('campaigns.intro'), p, 'intro', { multiline: true, cls: 'p-intro' }));
      p.questions.forEach((q, qi) => qs.append(questionEditor(q, qi, p.questions)));
      if (editable) qs.append(h('button', { type: 'button', class: 'secondary', id: 'add-question', onclick: () => {
        p.questions.push({ id: 'q' + (p.questions.length + 1), prompt: { translations: [] }, yes_no: {} });
        redraw();
      } }, t('campaigns.add_question')));
      qs.append(perLang(t('campaigns.closing'), p, 'closing', { multiline: true, cls: 'p-closing' }));
      editorEl.append(qs);
    }
    const policy = inp({ tag: 'select', id: 'c-resend' }, () => c.resend_policy, (v) => { if (v) c.resend_policy = v; else delete c.resend_policy; });
    if (!c.resend_policy) policy.append(h('option', { value: '', selected: true }, t('resend.default')));
    for (const v of ['RESEND_POLICY_NEVER', 'RESEND_POLICY_AT_LEAST_ONCE']) policy.append(h('option', { value: v, selected: c.resend_policy === v }, t('resend.' + v)));
    editorEl.append(section(t('campaigns.schedule'),
        field(t('campaigns.start_at'), inp({ type: 'datetime-local', id: 'c-start' }, () => toLocalInput(sch.start_at),
            (v) => setSch((s) => { if (v) s.start_at = new Date(v).toISOString().replace(/\.\d+Z$/, 'Z'); else delete s.start_at; })),
            t('campaigns.start_at_hint')),
        h('fieldset', {}, h('legend', {}, t('campaigns.window')), h('p', { class: 'hint' }, t('campaigns.window_hint')),
          h('div', { class: 'row' },
            field(t('campaigns.window_start'), inp({ type: 'time', id: 'c-win-start' }, () => hhmm(sch.window && sch.window.start),
                (v) => setSch((s) => { if (!v) { delete s.window; return; } s.window = s.window || { end: { hour: 20, minute: 0 } }; s.window.start = localTime(v); }))),
            field(t('campaigns.window_end'), inp({ type: 'time', id: 'c-win-end' }, () => hhmm(sch.window && sch.window.end),
                (v) => setSch((s) => { if (!v) { delete s.window; return; } s.window = s.window || { start: { hour: 9, minute: 0 } }; s.window.end = localTime(v); }))))),
        h('div', { class: 'row' },
          field(t('campaigns.spread'), inp({ type: 'number', min: 0, id: 'c-spread' }, () => (isNaN(secs(sch.spread)) ? '' : secs(sch.spread) / 60),
              (v) => setSch((s) => { if (v === '') delete s.spread; else s.spread = dur(Number(v) * 60); }))),
          field(t('campaigns.validity'), inp({ type: 'number', min: 0, step: 'any', id: 'c-validity' }, () => (isNaN(secs(sch.validity)) ? '' : secs(sch.validity) / 3600),
              (v) => setSch((s) => { if (v === '') delete s.validity; else s.validity = dur(Number(v) * 3600); })))),
        field(t('campaigns.resend'), policy)));
    if (editable) {
      editorEl.append(h('div', { class: 'actions' }, h('button', { type: 'button', id: 'save-campaign', onclick: () => saveNow(true) },
          c.id ? t('common.save') : t('campaigns.save_draft'))));
    }
  }

  let saving = Promise.resolve();
  async function saveNow(explicit) {
    if (!editable) return;
    const body = cleaned(c);
    saving = saving.then(async () => {
      try {
        if (!c.id) {
          const created = await api.post('/v1/campaigns', body);
          toast(t('campaigns.saved'));
          location.hash = '#/campaigns/' + created.id;
          return;
        }
        const saved = await api.put('/v1/campaigns/' + c.id, body);
        clear(status).append(h('p', { class: 'hint' }, t('campaigns.saved_at', { time: timeOfDay(new Date()) })));
        if (explicit) toast(t('campaigns.saved'));
        c.state = saved.state || c.state;
        await refreshPreview();
      } catch (err) {
        clear(status).append(errorBox(err));
      }
    });
    return saving;
  }
  const autosave = debounce(() => { if (c.id) saveNow(false); }, 800);
  function changed() { autosave(); }

  async function refreshPreview() {
    if (!c.id) { clear(previewEl).append(h('p', { class: 'hint' }, t('campaigns.preview_after_save'))); return; }
    try {
      const [pv, val] = await Promise.all([api.get(`/v1/campaigns/${c.id}/preview`), api.get(`/v1/campaigns/${c.id}/validation`)]);
      clear(previewEl);
      if (val.problems && val.problems.length) {
        previewEl.append(h('div', { class: 'problems', id: 'problems', role: 'alert' }, h('h3', {}, t('campaigns.problems')),
            h('ul', {}, val.problems.map((p) => h('li', {}, p)))));
      } else {
        previewEl.append(h('p', { class: 'ok', id: 'valid' }, t('campaigns.valid')));
      }
      previewEl.append(h('p', {}, t('campaigns.audience', { n: num(pv.audience || 0), segments: num(pv.total_segments || 0) })));
      for (const m of pv.messages || []) {
        previewEl.append(h('div', { class: 'phone-preview', 'data-lang': m.language },
            h('div', { class: 'meta' }, h('strong', {}, m.language), ' · ',
              h('span', { class: 'enc' }, t('encoding.' + m.encoding, {}, m.encoding)), ' · ',
              h('span', { class: 'segs' }, t('campaigns.segments', { n: num(m.segments) })), ' · ',
              t('campaigns.chars', { n: num(m.characters) }), ' · ', t('campaigns.recipients', { n: num(m.recipients || 0) })),
            h('div', { class: 'bubble', dir: 'auto', lang: m.language }, m.text)));
      }
    } catch (err) {
      clear(previewEl).append(errorBox(err));
    }
  }

  drawHead();
  redraw();
  await refreshPreview();
}

export async function render(main, r, ctx) {
  if (r.id) return renderEditor(main, r, ctx);
  return renderList(main, ctx);
}
