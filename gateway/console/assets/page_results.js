// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Results: an SVG chart per question (choice labels in the officer's language when the poll
// has them), response and completion rates, breakdowns by country and by language, and the
// CSV export (GET .../results/export, fetched with the token and saved as a file).
import * as api from './api.js';
import { h, section, errorBox, download, toast } from './dom.js';
import { t, lang, num, pct } from './i18n.js';
import { barChart } from './charts.js';
import { pickCampaign, stat } from './page_monitor.js';

function labelOf(campaign, questionId, choiceId) {
  const q = ((campaign.poll && campaign.poll.questions) || []).find((x) => x.id === questionId);
  if (!q) return choiceId;
  if (q.yes_no) return t('common.' + choiceId, {}, choiceId);
  const ch = ((q.single_choice && q.single_choice.choices) || []).find((x) => x.id === choiceId);
  if (!ch || !ch.label) return choiceId;
  const tr = ch.label.translations || [];
  const mine = tr.find((x) => x.language === lang()) || tr.find((x) => x.language === campaign.fallback_language) || tr[0];
  return mine ? mine.text : choiceId;
}
function promptOf(campaign, questionId) {
  const q = ((campaign.poll && campaign.poll.questions) || []).find((x) => x.id === questionId);
  const tr = (q && q.prompt && q.prompt.translations) || [];
  const mine = tr.find((x) => x.language === lang()) || tr.find((x) => x.language === campaign.fallback_language) || tr[0];
  return mine ? `${questionId}: ${mine.text}` : t('results.question', { id: questionId });
}

function breakdown(title, groups, id) {
  const rows = groups.map((g) => h('tr', {}, h('th', { scope: 'row' }, g.key || t('results.unknown')),
      h('td', { class: 'num' }, num(g.sessions.started)), h('td', { class: 'num' }, num(g.sessions.responded)),
      h('td', { class: 'num' }, num(g.sessions.completed)), h('td', { class: 'num' }, pct(g.sessions.response_rate)),
      h('td', { class: 'num' }, pct(g.sessions.completion_rate))));
  return section(title, h('div', { class: 'scroll' }, h('table', { class: 'grid', id },
      h('thead', {}, h('tr', {}, ['results.group', 'results.started', 'results.responded', 'results.completed',
          'results.response_rate', 'results.completion_rate'].map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 6 }, t('results.no_data')))))));
}

export async function render(main, r) {
  if (!r.id) return pickCampaign(main, 'results', t('results.title'));
  const id = r.id;
  const [campaign, res] = await Promise.all([api.get('/v1/campaigns/' + encodeURIComponent(id)),
                                             api.get(`/v1/campaigns/${encodeURIComponent(id)}/results`)]);
  main.append(h('h1', {}, t('results.title_of', { name: campaign.name })));
  const exportButton = h('button', { type: 'button', id: 'export-csv', onclick: async () => {
    try {
      const blob = await api.request(`/v1/campaigns/${id}/results/export`, { expect: 'blob' });
      download(`results-${id}.csv`, blob);
      toast(t('results.exported'));
    } catch (err) { toast(err.message, 'error'); }
  } }, t('results.export'));
  const s = res.sessions || {};
  main.append(h('div', { class: 'actions' }, exportButton, h('a', { class: 'button secondary', href: '#/monitor/' + id }, t('nav.monitor'))),
      h('div', { class: 'stats' },
        stat(t('results.started'), num(s.started || 0), 'st-started'),
        stat(t('results.responded'), num(s.responded || 0), 'st-responded'),
        stat(t('results.completed'), num(s.completed || 0), 'st-completed'),
        stat(t('results.response_rate'), pct(s.response_rate || 0), 'st-response-rate'),
        stat(t('results.completion_rate'), pct(s.completion_rate || 0), 'st-completion-rate'),
        stat(t('monitor.delivery_rate'), pct((res.delivery || {}).delivery_rate || 0), 'st-delivery-rate')));
  const charts = h('div', { class: 'charts' });
  for (const q of res.questions || []) {
    if (q.choices && q.choices.length) {
      charts.append(barChart(promptOf(campaign, q.question_id),
          q.choices.map((ch) => ({ key: ch.choice_id, label: labelOf(campaign, q.question_id, ch.choice_id), count: ch.count, share: ch.share })),
          { id: 'q-' + q.question_id }));
    } else {
      charts.append(h('figure', { class: 'chart-box', 'data-chart': 'q-' + q.question_id }, h('figcaption', {}, promptOf(campaign, q.question_id)),
          h('p', {}, t('results.numeric', { answered: num(q.answered), min: q.min ?? '–', max: q.max ?? '–',
            mean: q.mean == null ? '–' : num(Math.round(q.mean * 100) / 100), median: q.median ?? '–' }))));
    }
  }
  if (!(res.questions || []).length) charts.append(h('p', {}, t('results.no_questions')));
  main.append(section(t('results.questions'), charts),
      breakdown(t('results.by_country'), res.by_country || [], 'by-country'),
      breakdown(t('results.by_language'), res.by_language || [], 'by-language'));
}

export { errorBox };
