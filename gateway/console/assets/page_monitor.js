// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Monitoring: a campaign's delivery funnel (queued, sending, submitted, delivered, failed,
// expired, unknown) and its answers as they arrive, refreshed without reloading the page by
// polling GET /v1/campaigns/{id}/results every REFRESH_MS (the API has no event stream yet;
// one results call per refresh stays far under the token's 20 requests a second). Polling
// stops when the page is left and pauses while the tab is hidden.
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

export async function render(main, r) {
  if (!r.id) return pickCampaign(main, 'monitor', t('monitor.title'));
  const id = r.id;
  const campaign = await api.get('/v1/campaigns/' + encodeURIComponent(id));
  main.append(h('h1', {}, t('monitor.title_of', { name: campaign.name })));
  const stateEl = h('span', { class: 'badge', id: 'monitor-state' }, stateName(campaign.state));
  const updated = h('span', { class: 'muted', id: 'monitor-updated' });
  main.append(h('p', {}, stateEl, ' · ', updated, ' · ', h('a', { href: '#/campaigns/' + id }, t('monitor.edit')), ' · ',
      h('a', { href: '#/results/' + id }, t('nav.results'))));
  const funnel = h('div', { id: 'funnel' });
  const answers = h('div', { id: 'answers', 'aria-live': 'off' });
  const err = h('div', { 'aria-live': 'polite' });
  main.append(section(t('monitor.delivery'), funnel), section(t('monitor.answers'), answers), err);

  let timer = null;
  let stopped = false;
  async function tick() {
    if (stopped) return;
    if (document.hidden) { timer = setTimeout(tick, REFRESH_MS); return; }
    try {
      const [res, c] = await Promise.all([api.get(`/v1/campaigns/${id}/results`), api.get('/v1/campaigns/' + id)]);
      if (stopped) return;
      clear(err);
      stateEl.textContent = stateName(c.state);
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
      updated.textContent = t('monitor.updated', { time: timeOfDay(new Date()) });
    } catch (e) {
      clear(err).append(errorBox(e));
    }
    if (!stopped) timer = setTimeout(tick, REFRESH_MS);
  }
  await tick();
  return () => { stopped = true; clearTimeout(timer); };
}
