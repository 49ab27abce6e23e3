// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Parses a Prometheus text exposition (format 0.0.4) with a parser we did not write, the npm
// package parse-prometheus-text-format (pinned by package-lock.json), for
// tests/gateway/metrics_test.cc.
//
//   node parse_prometheus.js FILE
//
// Prints one JSON line: {"families": <the parser's output>, "strict_errors": [...]}. The
// package is lenient, so a few rules of the format it does not enforce are checked here too:
// every line is a HELP, TYPE or sample line; a family's TYPE comes once and before its
// samples; sample names belong to the family; values are floats (or +Inf, -Inf, NaN);
// histogram buckets per label set have increasing le, non-decreasing counts, end with +Inf
// and equal _count. Exits 1 with a message on stderr if the parser throws.
'use strict';

const fs = require('fs');
const parse = require('parse-prometheus-text-format');

const text = fs.readFileSync(process.argv[2], 'utf8');

let families;
try {
  families = parse(text);
} catch (e) {
  process.stderr.write(`parse-prometheus-text-format rejected the input: ${e.message}\n`);
  process.exit(1);
}

const errors = [];
const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (\\S+)$`);
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]Inf|NaN)$/;

let family = null;  // {name, type}
const typed = new Set();
const buckets = new Map();  // histogram label set (without le) -> {les: [], counts: [], count}

function checkHistograms() {
  for (const [key, h] of buckets) {
    for (let i = 1; i < h.les.length; ++i) {
      if (!(h.les[i - 1] < h.les[i])) errors.push(`${key}: le not increasing`);
      if (h.counts[i - 1] > h.counts[i]) errors.push(`${key}: bucket counts decrease`);
    }
    if (h.les.length === 0 || h.les[h.les.length - 1] !== Infinity) {
      errors.push(`${key}: no +Inf bucket last`);
    } else if (h.count !== undefined && h.count !== h.counts[h.counts.length - 1]) {
      errors.push(`${key}: _count differs from the +Inf bucket`);
    }
  }
  buckets.clear();
}

const lines = text.split('\n');
if (text.length > 0 && !text.endsWith('\n')) errors.push('the text does not end with a newline');
for (let i = 0; i < lines.length; ++i) {
  const line = lines[i];
  if (line === '') {
    if (i !== lines.length - 1) errors.push(`line ${i + 1}: empty line`);
    continue;
  }
  let m;
  if ((m = /^# HELP (\S+) (.*)$/.exec(line))) {
    if (!family || family.name !== m[1]) {
      checkHistograms();
      family = {name: m[1], type: 'untyped'};
    }
    continue;
  }
  if ((m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
    if (typed.has(m[1])) errors.push(`line ${i + 1}: second TYPE for ${m[1]}`);
    typed.add(m[1]);
    if (!family || family.name !== m[1]) {
      checkHistograms();
      family = {name: m[1], type: m[2]};
    } else {
      family.type = m[2];
    }
    continue;
  }
  if (line.startsWith('#')) {
    errors.push(`line ${i + 1}: unexpected comment`);
    continue;
  }
  if (!(m = SAMPLE.exec(line))) {
    errors.push(`line ${i + 1}: not a sample line`);
    continue;
  }
  const [, name, labelText, value] = m;
  if (!VALUE.test(value)) errors.push(`line ${i + 1}: bad value ${value}`);
  if (!family) {
    errors.push(`line ${i + 1}: sample before any TYPE`);
    continue;
  }
  const suffixes = family.type === 'histogram' ? ['_bucket', '_sum', '_count'] : [];
  const suffix = suffixes.find((s) => name === family.name + s);
  if (name !== family.name && suffix === undefined) {
    errors.push(`line ${i + 1}: ${name} outside its family ${family.name}`);
    continue;
  }
  if (family.type === 'histogram' && suffix !== undefined) {
    const labels = (labelText || '').split(/,(?=[a-zA-Z_][a-zA-Z0-9_]*=")/).filter((l) => l);
    const le = labels.find((l) => l.startsWith('le='));
    const key = family.name + '{' + labels.filter((l) => !l.startsWith('le=')).join(',') + '}';
    if (!buckets.has(key)) buckets.set(key, {les: [], counts: []});
    const h = buckets.get(key);
    if (suffix === '_bucket') {
      if (!le) {
        errors.push(`line ${i + 1}: bucket without le`);
        continue;
      }
      const bound = le.slice(4, -1);
      h.les.push(bound === '+Inf' ? Infinity : Number(bound));
      h.counts.push(Number(value));
    } else if (suffix === '_count') {
      h.count = Number(value);
    }
  }
}
checkHistograms();

process.stdout.write(JSON.stringify({families, strict_errors: errors}) + '\n');
