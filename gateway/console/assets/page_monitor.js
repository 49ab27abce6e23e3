// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Monitoring: a campaign's delivery funnel (queued, sending, submitted, delivered, failed,
// expired, unknown) and its answers as they arrive, without reloading the page.
//
// Live: GET /v1/campaigns/{id}/events, a server-sent event stream read with fetch() (sse.js;
// EventSource cannot send the token), which pushes the counts whenever they change. The page
// shows "Live" while the stream is open. If the stream cannot be opened, breaks, or stays
// silent past STALL_MS (the server sends a keep-alive every 15 s), the page says "Polling" and
// falls back to GET .../results every REFRESH_MS, and tries the stream again every
// RETRY_MS; when it opens again, polling stops. Everything stops when the page is left;
// polling pauses while the tab is hidden.
import * as api from './api.js';
import { h, clear, section, errorBox } from './dom.js';
import { t, num, pct, timeOfDay } from './i18n.js';
import { barChart } from './charts.js';
import { stateName } from './page_campaigns.js';

export const REFRESH_MS = 3000;
const FUNNEL = ['queued', 'sending', 'submitted', 'delivered', 'failed', 'expired', 'unknown'];

// The campaign picker shared by monitoring and results (#/monitor, #/results without an id).
export async function pickCampaign(main, base, title) {
  main.append(h('h1', {}, title));
  const page = await api.get('/v1/campaigns' + api.qs({ limit: 100 }));
  const started = page.items.filter((c) => c.state !== 'CAMPAIGN_STATE_DRAFT');
  main.append(section(t('monitor.pick'), started.length
      ? h('ul', { class: 'plain', id: 'campaign-pick' }, started.map((c) => h('li', {},
          h('a', { href: `#/${base}/${c.id}` }, c.name), ' ', h('span', { class: 'badge' }, stateName(c.state)))))
      : h('p', {}, t('monitor.none'))));
}

export function stat(label, value, id) {
  return h('div', { class: 'stat', id }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
}

export const RETRY_MS = 15000;
export const STALL_MS = 40000;

export async function render(main, r) {
  if (!r.id) return pickCampaign(main, 'monitor', t('monitor.title'));
  const id = r.id;
  const campaign = await api.get('/v1/campaigns/' + encodeURIComponent(id));
  main.append(h('h1', {}, t('monitor.title_of', { name: campaign.name })));
  const stateEl = h('span', { class: 'badge', id: 'monitor-state' }, stateName(campaign.state));
  const modeEl = h('span', { class: 'badge mode', id: 'monitor-mode', 'data-mode': 'connecting', role: 'status' },
      t('monitor.mode_connecting'));
  const updated = h('span', { class: 'muted', id: 'monitor-updated' });
  main.append(h('p', {}, stateEl, ' ', modeEl, ' · ', updated, ' · ', h('a', { href: '#/campaigns/' + id }, t('monitor.edit')), ' · ',
      h('a', { href: '#/results/' + id }, t('nav.results'))));
  const funnel = h('div', { id: 'funnel' });
  const answers = h('div', { id: 'answers', 'aria-live': 'off' });
  const err = h('div', { 'aria-live': 'polite' });
  main.append(section(t('monitor.delivery'), funnel), section(t('monitor.answers'), answers), err);

  let stopped = false;
  let mode = 'connecting';
  function setMode(m) {
    mode = m;
    modeEl.dataset.mode = m;
    modeEl.textContent = t('monitor.mode_' + m);
  }

  // Draws one snapshot: {state, delivery, sessions, questions}, from the stream or /results.
  function draw(res, state) {
    clear(err);
    if (state) stateEl.textContent = stateName(state);
    const d = res.delivery || {};
    clear(funnel).append(h('div', { class: 'stats' },
        stat(t('monitor.total'), num(d.total || 0), 'st-total'),
        stat(t('monitor.delivery_rate'), pct(d.delivery_rate || 0), 'st-delivery-rate')),
      barChart(t('monitor.funnel'), FUNNEL.map((k) => ({ key: k, label: t('msg.' + k), count: d[k] || 0 })),
        { id: 'funnel', cls: (row) => 'state-' + row.key }));
    const s = res.sessions || {};
    const answered = (res.questions || []).reduce((a, q) => a + (q.answered || 0), 0);
    clear(answers).append(h('div', { class: 'stats' },
        stat(t('results.started'), num(s.started || 0), 'st-started'),
        stat(t('results.responded'), num(s.responded || 0), 'st-responded'),
        stat(t('results.completed'), num(s.completed || 0), 'st-completed'),
        stat(t('monitor.answers_count'), num(answered), 'st-answers'),
        stat(t('results.response_rate'), pct(s.response_rate || 0), 'st-response-rate')),
      h('div', { class: 'charts' }, (res.questions || []).map((q) => barChart(t('results.question', { id: q.question_id }),
        (q.choices || []).map((ch) => ({ key: ch.choice_id, label: ch.choice_id, count: ch.count, share: ch.share })),
        { id: 'q-' + q.question_id }))));
    updated.textContent = t(mode === 'live' ? 'monitor.updated_live' : 'monitor.updated', { time: timeOfDay(new Date()) });
  }

  // ---- polling, the fallback
  let pollTimer = null;
  let pollGen = 0;  // a newer polling run (or going live) retires an older one's late answers
  const polling = (gen) => !stopped && mode !== 'live' && gen === pollGen;
  async function tick(gen) {
    pollTimer = null;
    if (!polling(gen)) return;
    if (!document.hidden) {
      try {
        const [res, c] = await Promise.all([api.get(`/v1/campaigns/${id}/results`), api.get('/v1/campaigns/' + id)]);
        if (!polling(gen)) return;
        draw(res, c.state);
      } catch (e) {
        clear(err).append(errorBox(e));
      }
    }
    if (polling(gen)) pollTimer = setTimeout(() => tick(gen), REFRESH_MS);
  }
  function startPolling() {
    if (mode === 'polling') return;
    setMode('polling');
    clearTimeout(pollTimer);
    tick(++pollGen);
  }

  // ---- the live stream
  let controller = null;
  let retryTimer = null;
  let stallTimer = null;
  function armStall() {
    clearTimeout(stallTimer);
    stallTimer = setTimeout(() => { if (controller) controller.abort(); }, STALL_MS);
  }
  async function connect() {
    retryTimer = null;
    if (stopped) return;
    controller = new AbortController();
    let gone = false;
    armStall();  // also bounds the wait for the response to start
    try {
      await api.openEvents(`/v1/campaigns/${encodeURIComponent(id)}/events`, {
        signal: controller.signal,
        onOpen: () => { armStall(); },
        onActivity: () => { armStall(); },
        onEvent: (ev) => {
          if (ev.type === 'gone') { gone = true; return; }
          if (ev.type !== 'progress') return;
          let snapshot;
          try { snapshot = JSON.parse(ev.data); } catch (_) { return; }
          if (mode !== 'live') {
            setMode('live');
            clearTimeout(pollTimer);
            pollTimer = null;
            ++pollGen;
          }
          draw(snapshot, snapshot.state);
        },
      });
    } catch (e) {
      // Refused or broken: polling carries on; a 4xx other than 429 will not get better.
      if (!stopped && e.status >= 400 && e.status < 500 && e.status !== 429) {
        clearTimeout(stallTimer);
        controller = null;
        startPolling();
        return;
      }
    }
    clearTimeout(stallTimer);
    controller = null;
    if (stopped) return;
    if (gone) {  // no point in another stream; polling shows what the API says now
      startPolling();
      clear(err).append(h('p', { class: 'error', role: 'alert' }, t('monitor.gone')));
      return;
    }
    startPolling();
    retryTimer = setTimeout(connect, RETRY_MS);
  }
  connect();
  // The first picture comes from /results at once, whichever way the updates will come.
  try {
    const res = await api.get(`/v1/campaigns/${id}/results`);
    if (!stopped && mode !== 'live') draw(res, campaign.state);
  } catch (e) {
    clear(err).append(errorBox(e));
  }
  return () => {
    stopped = true;
    clearTimeout(pollTimer);
    clearTimeout(retryTimer);
    clearTimeout(stallTimer);
    if (controller) controller.abort();
  };
}
