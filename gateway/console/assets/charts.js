// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Small SVG charts drawn with DOM calls (no library, nothing inline for the CSP to refuse).
// Bars carry data-key / data-count attributes and a <title>, so screen readers, the tests and
// a curious officer can read the exact figures; a visually hidden table repeats them.
import { h } from './dom.js';
import { num, pct, isRtl } from './i18n.js';

// Horizontal bars: rows [{key, label, count, share}] -> <figure>.
export function barChart(title, rows, opts = {}) {
  const rowH = 32;
  const labelW = 110;
  const width = 400;
  const barMax = width - labelW - 80;
  const height = Math.max(1, rows.length) * rowH + 8;
  const max = Math.max(1, ...rows.map((r) => r.count));
  const rtl = isRtl();
  const svg = h('svg:svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img',
                             'aria-label': title, preserveAspectRatio: 'xMinYMin meet' });
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const w = Math.max(r.count > 0 ? 2 : 0, (r.count / max) * barMax);
    // The SVG itself is laid out left to right (CSS); in RTL, labels go on the right.
    const xLabel = rtl ? width - 4 : labelW - 8;
    const xBar = rtl ? width - labelW - w : labelW;
    const xValue = rtl ? width - labelW - w - 6 : labelW + w + 6;
    const g = h('svg:g', { class: 'bar', 'data-key': r.key, 'data-count': r.count },
        h('svg:title', {}, `${r.label}: ${num(r.count)}${r.share !== undefined ? ' (' + pct(r.share) + ')' : ''}`),
        h('svg:text', { x: xLabel, y: y + rowH / 2 + 1, 'text-anchor': 'end', class: 'label' },
          r.label.length > 14 ? r.label.slice(0, 13) + '…' : r.label),
        h('svg:rect', { x: xBar, y: y + 3, width: w, height: rowH - 10, rx: 3, class: opts.cls ? opts.cls(r, i) : 'fill-' + (i % 6) }),
        h('svg:text', { x: xValue, y: y + rowH / 2 + 1, 'text-anchor': rtl ? 'end' : 'start', class: 'value' },
          `${num(r.count)}${r.share !== undefined ? ' · ' + pct(r.share) : ''}`));
    svg.append(g);
  });
  // A table is as wide as its content whatever its width, so the hiding box is a div.
  const table = h('div', { class: 'visually-hidden' }, h('table', {}, h('caption', {}, title),
      h('tbody', {}, rows.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.label), h('td', {}, num(r.count)))))));
  return h('figure', { class: 'chart-box', 'data-chart': opts.id || '' }, h('figcaption', {}, title), svg, table);
}
