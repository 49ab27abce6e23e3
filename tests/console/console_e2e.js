// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The web console end to end, in Debian's chromium driven by playwright-core: a real
// `liaison smsc-sim` (answering poll questions) and a real `liaison serve --config` on free
// loopback ports, a fresh data dir, and an officer who signs in, imports contacts from CSV,
// builds a segment with the filter editor, writes a poll in three languages, checks the
// preview, starts it, watches answers arrive on the monitoring page (live, by server-sent
// events, without a reload; and by polling when the stream is blocked), reads the chart, exports
// the CSV; then an analyst who may not start a campaign (no button, and a 403 from the API).
// Screenshots of the main pages (desktop and phone widths, French, Arabic right to left) go
// to --out. Exits non-zero on the first failed step; never skips: missing chromium or node
// modules are failures that say how to install them.
//
//   node console_e2e.js --liaison build/gateway/liaison --out build/tests/console/artefacts
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const STEP_TIMEOUT_MS = 90_000;
const CHROMIUM = process.env.LIAISON_CHROMIUM || '/usr/bin/chromium';

function fail(message) {
  console.error(`console_e2e: ${message}`);
  process.exit(1);
}

function args() {
  const out = { liaison: '', out: '' };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] === '--liaison') out.liaison = a[i + 1];
    else if (a[i] === '--out') out.out = a[i + 1];
    else fail(`unknown argument ${a[i]} (use --liaison BIN --out DIR)`);
  }
  if (!out.liaison || !fs.existsSync(out.liaison)) fail(`--liaison: no binary at '${out.liaison}'`);
  if (!out.out) fail('--out DIR is required');
  return out;
}

let playwright;
try {
  playwright = require('playwright-core');
} catch (_) {
  fail(`playwright-core is not installed in ${__dirname}/node_modules: run scripts/setup ` +
       '(it runs npm ci --prefix tests/console)');
}
if (!fs.existsSync(CHROMIUM)) fail(`no chromium at ${CHROMIUM}: run scripts/setup (Debian package chromium)`);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

const children = [];
function start(bin, argv, env, name, logDir) {
  const log = fs.openSync(path.join(logDir, `${name}.log`), 'w');
  const child = spawn(bin, argv, { env: { ...process.env, ...env }, stdio: ['ignore', log, log] });
  child.on('exit', (code, sig) => { child.exited = { code, sig }; });
  children.push(child);
  return child;
}
function stopAll() {
  for (const c of children) if (!c.exited) c.kill('SIGTERM');
}
process.on('exit', stopAll);

async function waitFor(what, fn, timeoutMs = STEP_TIMEOUT_MS, everyMs = 250) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function http(base, method, p, token, body, type) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = type || 'application/json';
  const res = await fetch(base + p, { method, headers, body: body === undefined ? undefined : (type ? body : JSON.stringify(body)) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (_) { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

function expect(cond, message) { if (!cond) throw new Error(message); }

let stepNo = 0;
async function step(name, fn) {
  ++stepNo;
  const t0 = Date.now();
  try {
    await fn();
    console.log(`ok ${stepNo} - ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    console.log(`not ok ${stepNo} - ${name}`);
    throw e;
  }
}

async function main() {
  const opt = args();
  fs.mkdirSync(opt.out, { recursive: true });
  const base = process.env.LIAISON_TEST_TMPDIR || os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(base, 'console-e2e-'));
  const shots = [];
  const shot = async (page, name, fullPage = true) => {
    const file = path.join(opt.out, `${name}.png`);
    await page.screenshot({ path: file, fullPage });
    shots.push(file);
  };

  const httpPort = await freePort();
  const smppPort = await freePort();
  const adminToken = `lia_${crypto.randomBytes(8).toString('hex')}_${crypto.randomBytes(32).toString('base64url').slice(0, 43)}`;
  const smppPassword = 'pw' + crypto.randomBytes(3).toString('hex');
  const config = path.join(tmp, 'liaison.toml');
  fs.writeFileSync(config, `
[server]
address = "127.0.0.1"
port = ${httpPort}
data_dir = "data"
shutdown_grace_ms = 1000

[log]
level = "info"

[api]
bootstrap_admin_token_env = "LIAISON_E2E_ADMIN_TOKEN"

[[tenants]]
id = "consulate"
name = "Test consulate"
default_region = "FR"
fallback_language = "en"
languages = ["en", "fr", "ar"]
sending_window = "00:00-24:00"

[[channels.smpp]]
name = "sim"
tenant = "consulate"
host = "127.0.0.1"
port = ${smppPort}
system_id = "liaison"
password_env = "LIAISON_E2E_SMPP_PASSWORD"
source_addr = "CONSULAT"
segments_per_second = 100
`);
  const simArgs = ['smsc-sim', '--listen', `127.0.0.1:${smppPort}`, '--system-id', 'liaison', '--reply-to-polls', '--seed', '7'];
  start(opt.liaison, simArgs, { LIAISON_SMSC_SIM_PASSWORD: smppPassword }, 'smsc-sim', tmp);
  const daemon = start(opt.liaison, ['serve', '--config', config],
                       { LIAISON_E2E_ADMIN_TOKEN: adminToken, LIAISON_E2E_SMPP_PASSWORD: smppPassword }, 'serve', tmp);
  const api = `http://127.0.0.1:${httpPort}`;
  console.log(`# gateway ${api}, SMSC simulator 127.0.0.1:${smppPort}, files in ${tmp}`);

  let officer;
  let analyst;
  await step('the daemon starts and serves the console with its security headers', async () => {
    await waitFor('/readyz', async () => {
      if (daemon.exited) throw new Error(`liaison serve exited (${JSON.stringify(daemon.exited)}); see ${tmp}/serve.log`);
      return (await http(api, 'GET', '/readyz')).status === 200;
    }, 30_000);
    const page = await http(api, 'GET', '/console');
    expect(page.status === 200, `/console: ${page.status}`);
    expect(page.headers.get('content-type').startsWith('text/html'), 'index is not text/html');
    const csp = page.headers.get('content-security-policy') || '';
    expect(/default-src 'none'/.test(csp) && /script-src 'self'/.test(csp) && /frame-ancestors 'none'/.test(csp), `weak CSP: ${csp}`);
    expect(page.headers.get('x-content-type-options') === 'nosniff', 'no nosniff');
    const js = await http(api, 'GET', '/console/main.js');
    expect(js.status === 200 && js.headers.get('content-type').startsWith('text/javascript'), 'main.js type');
    expect((await http(api, 'GET', '/console/nope.js')).status === 404, 'unknown asset must be 404');
    // A trailing slash leads to the app too.
    const slash = await fetch(`${api}/console/`, { redirect: 'manual' });
    expect(slash.status === 308 && slash.headers.get('location') === '/console', `/console/: ${slash.status} ${slash.headers.get('location')}`);
    const followed = await http(api, 'GET', '/console/');
    expect(followed.status === 200 && followed.headers.get('content-type').startsWith('text/html'), `/console/ followed: ${followed.status}`);
    const created = async (name, role) => {
      const r = await http(api, 'POST', '/v1/tokens', adminToken, { name, role });
      expect(r.status === 201, `creating the ${role} token: ${r.status} ${r.text}`);
      return r.json.token;
    };
    officer = await created('e2e officer', 'officer');
    analyst = await created('e2e analyst', 'analyst');
  });

  const browser = await playwright.chromium.launch({ executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  const problems = [];
  const watch = (page, who) => {
    page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) problems.push(`${who}: ${m.text()}`);
    });
    page.on('dialog', (d) => d.accept());
  };
  try {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, locale: 'en-GB' });
    const page = await ctx.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    watch(page, 'officer');

    await step('sign in with the keyboard only', async () => {
      await page.goto(`${api}/console`);
      await page.waitForSelector('#token');
      await shot(page, 'signin-desktop');
      // Focus starts in the token field; typing and Enter submit the form.
      expect(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'token', 'focus is not on the token field');
      await page.keyboard.type(officer);
      await page.keyboard.press('Enter');
      // Who is signed in comes from GET /v1/me: role and tenant.
      await page.waitForSelector('#role[data-role="officer"][data-tenant="consulate"]');
      expect(await page.evaluate(() => sessionStorage.length > 0 && localStorage.getItem('liaison.console.token') === null),
             'the token must be in sessionStorage only');
    });

    await step('the console parses server-sent events split anywhere (sse.js)', async () => {
      const got = await page.evaluate(async () => {
        const { SseParser, readEvents } = await import('/console/sse.js');
        const events = [];
        const comments = [];
        const p = new SseParser((e) => events.push(e), (c) => comments.push(c));
        // CRLF split between chunks, CR-only and LF line ends, a comment, multi-line data,
        // an event without data (not dispatched), a field without a colon, retry and id.
        for (const chunk of ['retry: 3000\r', '\n\r\n: keep-alive\n\nevent: progress\nid: 7\ndata: {"a":', '1}\r\r',
                             'event: empty\n\ndata\ndata:  two spaces\n\n', 'data: tail']) p.push(chunk);
        // Bytes split inside a UTF-8 character, through a real Response body.
        const bytes = new TextEncoder().encode('event: progress\ndata: {"name":"مرحبا"}\n\n');
        const body = new ReadableStream({ start(c) { c.enqueue(bytes.slice(0, 32)); c.enqueue(bytes.slice(32)); c.close(); } });
        const streamed = [];
        let activity = 0;
        await readEvents(new Response(body), { onEvent: (e) => streamed.push(e), onActivity: () => ++activity });
        let tooLong = false;
        try { new SseParser(() => {}).push('data: ' + 'x'.repeat((1 << 20) + 1)); } catch (_) { tooLong = true; }
        return { events, comments, retry: p.retry, streamed, activity, tooLong };
      });
      expect(JSON.stringify(got.events) === JSON.stringify([
        { type: 'progress', data: '{"a":1}', id: '7' },
        { type: 'message', data: '\n two spaces', id: '7' },
      ]), `parsed events: ${JSON.stringify(got.events)}`);
      expect(JSON.stringify(got.comments) === JSON.stringify([' keep-alive']) && got.retry === 3000, `comments ${JSON.stringify(got.comments)}, retry ${got.retry}`);
      expect(got.streamed.length === 1 && JSON.parse(got.streamed[0].data).name === 'مرحبا' && got.activity === 2,
             `streamed: ${JSON.stringify(got.streamed)}, ${got.activity} chunks`);
      expect(got.tooLong, 'a line over 1 MiB must be refused');
    });

    await step('a wrong token is refused with a clear message', async () => {
      const p2 = await ctx.newPage();
      await p2.goto(`${api}/console`);
      await p2.evaluate(() => sessionStorage.clear());
      await p2.reload();
      await p2.fill('#token', 'lia_0000000000000000_' + 'A'.repeat(43));
      await p2.click('#signin button[type=submit]');
      const msg = await p2.textContent('#signin .error');
      expect(/not valid/.test(msg), `message: ${msg}`);
      await p2.close();
    });

    const csv = [
      'phone,name,language,country,groups',
      '+33612345601,Amina Test,fr,FR,paris',
      '+33612345602,Karim Test,ar,FR,paris',
      '+33612345603,John Test,en,FR,paris;lyon',
      '+4915123456704,Ana Test,en,DE,berlin',
      '0612345605,Marie Test,fr,,paris',
      'not-a-number,Bad Row,fr,FR,paris',
      '"+33612345607","Quoted, Name",fr,FR,"paris;lyon"',
    ].join('\n') + '\n';
    const csvFile = path.join(tmp, 'people.csv');
    fs.writeFileSync(csvFile, csv);

    await step('import contacts from CSV, with progress and the rejected row reported by line', async () => {
      await page.goto(`${api}/console#/contacts`);
      await page.waitForSelector('#import-file');
      await page.setInputFiles('#import-file', csvFile);
      await page.fill('#import-country', 'FR');
      await page.click('#import-start');
      const summary = await page.textContent('#import-summary');
      expect(/7 rows read: 6 added, 0 updated, 1 rejected/.test(summary), `summary: ${summary}`);
      expect(await page.getAttribute('#import-progress', 'value') === '100', 'progress bar not at 100');
      const rej = await page.textContent('#import-rejections tbody');
      expect(/^7/.test(rej.trim()) && /phone/.test(rej), `rejection: ${rej}`);
      await page.click('form[role=search] button[type=submit]');  // the list reloads
      await waitFor('6 contacts listed', async () => (await page.$$('#contacts-table tbody tr')).length === 6);
      await shot(page, 'contacts-desktop');
    });

    await step('opt-out status is visible and filterable', async () => {
      // One contact (imported as a national number) opts out through the API; the list shows
      // it and the status filter finds it.
      const list = await http(api, 'GET', `/v1/contacts?phone=${encodeURIComponent('+33612345605')}`, officer);
      expect(list.status === 200 && list.json.items.length === 1, `national number not found: ${list.text}`);
      const id = list.json.items[0].id;
      const r = await http(api, 'PATCH', `/v1/contacts/${id}`, officer, { status: 'opted_out' });
      expect(r.status === 200, `opt out: ${r.status} ${r.text}`);
      await page.selectOption('#flt-status', 'opted_out');
      await waitFor('one opted-out row', async () => {
        const rows = await page.$$('#contacts-table tbody tr[data-status="opted_out"]');
        return rows.length === 1 && (await page.$$('#contacts-table tbody tr')).length === 1;
      });
    });

    let segmentId;
    await step('build a segment with the filter editor and its live count', async () => {
      await page.goto(`${api}/console#/segments/new`);
      await page.fill('#seg-name', 'Paris group');
      await page.click('#seg-add');
      await page.selectOption('#seg-rows .cond[data-index="0"] .seg-field', 'groups');
      await page.selectOption('#seg-rows .cond[data-index="0"] .seg-op', 'HAS');
      await page.fill('#seg-rows .cond[data-index="0"] .seg-values', 'paris');
      await waitFor('live count 5', async () => (await page.getAttribute('#seg-count', 'data-total')) === '5');
      expect(/4 reachable/.test(await page.textContent('#seg-count')), 'the opted-out contact is not reachable');
      // A second condition narrows it as it is typed.
      await page.click('#seg-add');
      await page.selectOption('#seg-rows .cond[data-index="1"] .seg-field', 'language');
      await page.fill('#seg-rows .cond[data-index="1"] .seg-values', 'ar');
      await waitFor('live count 1', async () => (await page.getAttribute('#seg-count', 'data-total')) === '1');
      await page.click('#seg-rows .cond[data-index="1"] button');
      await waitFor('live count back to 5', async () => (await page.getAttribute('#seg-count', 'data-total')) === '5');
      await shot(page, 'segment-editor-desktop');
      await page.click('#seg-save');
      await page.waitForSelector('#seg-saved-count');
      segmentId = page.url().split('#/segments/')[1];
      const seg = await http(api, 'GET', `/v1/segments/${segmentId}`, officer);
      expect(seg.json.count.total === 5 && seg.json.count.reachable === 4, `saved count ${JSON.stringify(seg.json.count)}`);
    });

    let campaignId;
    await step('write a poll in three languages with a branch, and see the preview per language', async () => {
      await page.goto(`${api}/console#/campaigns`);
      await page.click('#new-poll');
      await page.fill('#c-name', 'Consular day survey');
      await page.selectOption('#c-segment', segmentId);
      await page.fill('#c-languages', 'en, fr, ar');
      await page.press('#c-languages', 'Tab');
      const q = (n) => `fieldset.question[data-question="q${n}"]`;
      await page.fill(`${q(1)} .q-prompt[data-lang="en"]`, 'Would you come to a consular day on Saturday?');
      await page.fill(`${q(1)} .q-prompt[data-lang="fr"]`, 'Viendriez-vous à une journée consulaire samedi ?');
      await page.fill(`${q(1)} .q-prompt[data-lang="ar"]`, 'هل ستأتي إلى يوم قنصلي يوم السبت؟');
      const labels = { yes: ['Yes', 'Oui', 'نعم'], no: ['No', 'Non', 'لا'] };
      for (const [id, [en, fr, ar]] of Object.entries(labels)) {
        await page.fill(`fieldset.choice[data-choice="${id}"] .c-label[data-lang="en"]`, en);
        await page.fill(`fieldset.choice[data-choice="${id}"] .c-label[data-lang="fr"]`, fr);
        await page.fill(`fieldset.choice[data-choice="${id}"] .c-label[data-lang="ar"]`, ar);
      }
      await page.fill('fieldset.choice[data-choice="yes"] .c-syn[data-lang="fr"]', 'ouais, bien sûr');
      // The prompt is the exact SMS: the editor writes the keys into it in each language.
      await page.click(`${q(1)} .add-keys`);
      expect(await page.inputValue(`${q(1)} .q-prompt[data-lang="fr"]`) === 'Viendriez-vous à une journée consulaire samedi ?\n1) Oui\n2) Non', 'keys added to the French prompt');
      await page.fill(`${q(1)} .q-reasks`, '2');
      await page.fill(`${q(1)} .q-reask[data-lang="en"]`, 'Please answer 1 (Yes) or 2 (No).');
      await page.click('#add-question');
      await page.fill(`${q(2)} .q-prompt[data-lang="en"]`, 'Do you need a new passport? Reply YES or NO.');
      await page.fill(`${q(2)} .q-prompt[data-lang="fr"]`, 'Avez-vous besoin d’un nouveau passeport ? Répondez OUI ou NON.');
      await page.fill(`${q(2)} .q-prompt[data-lang="ar"]`, 'هل تحتاج إلى جواز سفر جديد؟ أجب بنعم أو لا.');
      await page.fill(`${q(2)} .q-reask[data-lang="en"]`, 'Please answer YES or NO.');
      await page.fill(`${q(2)} .q-reasks`, '1');
      // Branching on question 1: "yes" goes to q2 (the rule), otherwise the end.
      await page.click(`${q(1)} fieldset.branches button`);
      await page.fill('#c-win-start', '00:00');
      await page.fill('#c-win-end', '23:59');
      await page.click('#save-campaign');
      await page.waitForURL(/#\/campaigns\/[0-9a-f-]{36}$/);
      campaignId = page.url().split('#/campaigns/')[1];
      await page.waitForSelector('#preview .phone-preview');
      const stored = (await http(api, 'GET', `/v1/campaigns/${campaignId}`, officer)).json;
      expect(stored.poll.questions.length === 2, 'two questions stored');
      expect(stored.poll.questions[0].branches[0].choice_id === 'yes' && stored.poll.questions[0].branches[0].goto_question_id === 'q2', 'branch stored');
      expect(JSON.stringify(stored.poll.questions[0].single_choice.choices[0].synonyms) === JSON.stringify([{ language: 'fr', words: ['ouais', 'bien sûr'] }]), 'synonyms stored');
      expect(stored.schedule.window.end.hour === 23, 'window stored');
      await page.waitForSelector('#valid');
      const ar = await page.textContent('.phone-preview[data-lang="ar"] .enc');
      const en = await page.textContent('.phone-preview[data-lang="en"] .enc');
      expect(/UCS-2/.test(ar) && /GSM/.test(en), `encodings: en ${en}, ar ${ar}`);
      const bubble = await page.textContent('.phone-preview[data-lang="en"] .bubble');
      expect(/\n1\) Yes\n2\) No$/.test(bubble), `the preview shows the exact SMS: ${JSON.stringify(bubble)}`);
      expect(/4 recipients/.test(await page.textContent('#preview')), 'preview audience is the 4 reachable contacts');
      // Live: editing the draft updates the preview from the API.
      const enPrompt = await page.inputValue(`${q(1)} .q-prompt[data-lang="en"]`);
      await page.fill(`${q(1)} .q-prompt[data-lang="en"]`, enPrompt + ' ✓');
      await waitFor('preview shows the edit', async () => /UCS-2/.test(await page.textContent('.phone-preview[data-lang="en"] .enc')));
      await page.fill(`${q(1)} .q-prompt[data-lang="en"]`, enPrompt);
      await waitFor('preview back to GSM', async () => /GSM/.test(await page.textContent('.phone-preview[data-lang="en"] .enc')));
      await shot(page, 'campaign-editor-desktop');
      await page.evaluate(() => window.scrollTo(0, 0));
      await shot(page, 'campaign-editor-top-desktop', false);
    });

    await step('start the poll and watch answers arrive live on the monitoring page', async () => {
      // Every results request the page makes: while the stream is live there must be none.
      let resultsCalls = 0;
      const countResults = (req) => { if (/\/v1\/campaigns\/[^/]+\/results$/.test(new URL(req.url()).pathname)) ++resultsCalls; };
      page.on('request', countResults);
      await page.click('#act-start');
      await page.waitForURL(/#\/monitor\//);
      await page.waitForSelector('#funnel svg');
      await page.waitForSelector('#monitor-mode[data-mode="live"]', { timeout: 30_000 });
      expect(/Live/.test(await page.textContent('#monitor-mode')), 'the monitor says it is live');
      // A marker that a reload would wipe, and the counts as they were when the stream began.
      await page.evaluate(() => { window.__sameDocument = true; });
      const snapshot = async () => page.evaluate(() => [...document.querySelectorAll('#funnel .bar, #answers .stat-value')]
          .map((e) => e.dataset.count || e.textContent).join());
      const atLive = await snapshot();
      resultsCalls = 0;
      const shown = async (id) => Number(await page.textContent(`#${id} .stat-value`));
      // 4 reachable recipients (the fifth opted out). The simulated people answer after a
      // human delay, some with typos (re-asked), and a few never do: wait for most of them,
      // then for the page to agree with the API once the answers stop changing.
      await waitFor('answers from at least 2 of 4 respondents', async () => await shown('st-responded') >= 2, 120_000, 500);
      await waitFor('delivery receipts', async () => Number(await page.getAttribute('#funnel .bar[data-key="delivered"]', 'data-count')) >= 4, 60_000, 1000);
      let last = '';
      let stable = 0;
      await waitFor('the page to match the API, stable for 3 refreshes', async () => {
        const api1 = (await http(api, 'GET', `/v1/campaigns/${campaignId}/results`, officer)).json;
        const now = JSON.stringify([api1.sessions.responded, api1.questions.map((x) => x.answered)]);
        const page1 = await shown('st-responded');
        stable = now === last && page1 === api1.sessions.responded ? stable + 1 : 0;
        last = now;
        return stable >= 3;
      }, 120_000, 3000);
      expect(await snapshot() !== atLive, 'the counts changed on the page after the stream began');
      expect(await page.evaluate(() => window.__sameDocument === true), 'the page was reloaded');
      expect(await page.getAttribute('#monitor-mode', 'data-mode') === 'live', 'the stream stayed live');
      expect(resultsCalls === 0, `the live monitor polled /results ${resultsCalls} times`);
      page.off('request', countResults);
      await shot(page, 'monitor-desktop');
    });

    await step('when the event stream is blocked the monitor polls, and goes live again', async () => {
      const p = await ctx.newPage();
      watch(p, 'officer, blocked stream');
      await p.route('**/events', (route) => route.abort());
      await p.goto(`${api}/console`);  // a new tab: sessionStorage is per tab
      await p.fill('#token', officer);
      await p.click('#signin button[type=submit]');
      await p.waitForSelector('#role');
      await p.goto(`${api}/console#/monitor/${campaignId}`);
      await p.waitForSelector('#monitor-mode[data-mode="polling"]');
      await waitFor('polled counts', async () => Number(await p.getAttribute('#funnel .bar[data-key="delivered"]', 'data-count')) >= 4, 30_000, 500);
      expect(/Polling/.test(await p.textContent('#monitor-mode')), 'the monitor says it is polling');
      await shot(p, 'monitor-polling-desktop', false);
      await p.unroute('**/events');
      await p.waitForSelector('#monitor-mode[data-mode="live"]', { timeout: 60_000 });
      await p.close();
    });

    await step('read the chart on the results page and export the CSV', async () => {
      await page.goto(`${api}/console#/results/${campaignId}`);
      await page.waitForSelector('[data-chart="q-q1"] svg');
      const bars = await page.$$eval('[data-chart="q-q1"] .bar', (els) => els.map((e) => ({ key: e.dataset.key, count: Number(e.dataset.count), label: e.querySelector('text').textContent })));
      const sum = bars.reduce((a, b) => a + b.count, 0);
      const results = (await http(api, 'GET', `/v1/campaigns/${campaignId}/results`, officer)).json;
      expect(sum === results.questions[0].answered && sum >= 2, `chart ${JSON.stringify(bars)} vs API ${results.questions[0].answered}`);
      expect(bars.map((b) => b.key).join() === 'yes,no' && bars[0].label === 'Yes', `bars ${JSON.stringify(bars)}`);
      expect(await page.$$eval('#by-country tbody tr', (r) => r.length) >= 1, 'by-country table');
      expect(await page.$$eval('#by-language tbody tr', (r) => r.length) >= 2, 'by-language table');
      await shot(page, 'results-desktop');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
      const file = path.join(opt.out, 'results.csv');
      await download.saveAs(file);
      const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
      const api4 = (await http(api, 'GET', `/v1/campaigns/${campaignId}/results/export`, officer)).text.trim().split(/\r?\n/);
      expect(lines.length === api4.length && lines.length >= 1 + results.sessions.responded, `CSV has ${lines.length} lines, API ${api4.length}`);
      expect(!/\+33/.test(lines.join('\n')), 'the results CSV must not contain phone numbers');
    });

    await step('pause and resume from the campaign page', async () => {
      await page.goto(`${api}/console#/campaigns/${campaignId}`);
      const state = await page.textContent('#campaign-state');
      if (/Running/.test(state)) {
        await page.click('#act-pause');
        await waitFor('paused', async () => /Paused/.test(await page.textContent('#campaign-state')));
        await page.click('#act-resume');
        await waitFor('running', async () => /Running|Completed/.test(await page.textContent('#campaign-state')));
      } else {
        expect(/Completed/.test(state), `state ${state}`);
      }
    });

    await step('phone width, French and Arabic (right to left) screenshots', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      const p = await phone.newPage();
      watch(p, 'phone');
      await p.goto(`${api}/console`);
      await p.fill('#token', officer);
      await p.click('#signin button[type=submit]');
      await p.waitForSelector('#role');
      await p.goto(`${api}/console#/contacts`);
      await p.waitForSelector('#contacts-table tbody tr');
      await shot(p, 'contacts-phone');
      await p.goto(`${api}/console#/results/${campaignId}`);
      await p.waitForSelector('[data-chart="q-q1"] svg');
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow <= 1, `the results page scrolls sideways at phone width (${overflow}px)`);
      await shot(p, 'results-phone');
      await p.selectOption('#lang', 'fr');
      await p.waitForSelector('html[lang="fr"]');
      expect(/Résultats/.test(await p.textContent('h1')), 'French heading');
      const overflowFr = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflowFr <= 1, `the French results page scrolls sideways at phone width (${overflowFr}px)`);
      await shot(p, 'results-phone-fr');
      await p.selectOption('#lang', 'ar');
      await p.waitForSelector('html[dir="rtl"]');
      expect(/النتائج/.test(await p.textContent('h1')), 'Arabic heading');
      const label = await p.$eval('[data-chart="q-q1"] .bar[data-key="yes"] text', (e) => e.textContent);
      expect(label === 'نعم', `Arabic choice label ${label}`);
      const overflowAr = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflowAr <= 1, `the Arabic results page scrolls sideways at phone width (${overflowAr}px)`);
      await shot(p, 'results-phone-ar');
      await p.goto(`${api}/console#/campaigns/${campaignId}`);
      await p.waitForSelector('#preview .phone-preview');
      await shot(p, 'campaign-phone-ar-top', false);
      await p.$eval('#preview', (e) => e.scrollIntoView());
      await shot(p, 'campaign-phone-ar-preview', false);
      const missing = await p.evaluate(async () => (await import('/console/i18n.js')).missingKeys());
      expect(Object.values(missing).every((m) => m.length === 0), `untranslated keys: ${JSON.stringify(missing)}`);
      await phone.close();
      const wide = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      const w = await wide.newPage();
      watch(w, 'arabic desktop');
      await w.goto(`${api}/console`);
      await w.evaluate(() => localStorage.setItem('liaison.console.lang', 'ar'));
      await w.reload();
      await w.fill('#token', officer);
      await w.click('#signin button[type=submit]');
      await w.waitForSelector('#role');
      await w.goto(`${api}/console#/monitor/${campaignId}`);
      await w.waitForSelector('#funnel svg');
      // Mirrored: the navigation starts on the right.
      const navBox = await w.$eval('#nav', (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right }; });
      const brandBox = await w.$eval('.brand', (e) => { const r = e.getBoundingClientRect(); return { left: r.left, right: r.right }; });
      expect(brandBox.left > navBox.right, 'in Arabic the brand must be right of the navigation');
      await shot(w, 'monitor-desktop-ar');
      await wide.close();
    });

    await step('an analyst sees results but cannot start a campaign', async () => {
      const actx = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      const p = await actx.newPage();
      watch(p, 'analyst');
      await p.goto(`${api}/console`);
      await p.fill('#token', analyst);
      await p.click('#signin button[type=submit]');
      await p.waitForSelector('#role[data-role="analyst"]');
      expect(await p.$('nav a[href="#/contacts"]') === null, 'analysts have no contacts page');
      const draft = await http(api, 'POST', '/v1/campaigns', officer, {
        name: 'Draft notice', segment_id: segmentId, fallback_language: 'en',
        notice: { body: { translations: [{ language: 'en', text: 'Consular day on Saturday.' }] } } });
      expect(draft.status === 201, `draft: ${draft.status}`);
      await p.goto(`${api}/console#/campaigns/${draft.json.id}`);
      await p.waitForSelector('#campaign-state');
      expect(await p.$('#act-start') === null && await p.$('#save-campaign') === null, 'analyst must not see start or save');
      expect(await p.$('#campaign-editor input:not([disabled])') === null, 'analyst inputs must be disabled');
      await shot(p, 'campaign-analyst-desktop');
      const status = await p.evaluate(async (id) => {
        const token = sessionStorage.getItem('liaison.console.token');
        const r = await fetch(`/v1/campaigns/${id}/start`, { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
        return r.status;
      }, draft.json.id);
      expect(status === 403, `the API answered ${status} to an analyst's start`);
      const after = await http(api, 'GET', `/v1/campaigns/${draft.json.id}`, officer);
      expect(after.json.state === 'CAMPAIGN_STATE_DRAFT', 'the draft must still be a draft');
      await p.goto(`${api}/console#/results/${campaignId}`);
      await p.waitForSelector('[data-chart="q-q1"] svg');
      await actx.close();
    });

    await step('field devices: create an enrolment code, see the enrolled device, revoke it', async () => {
      await page.goto(`${api}/console#/devices`);
      await page.fill('#enrol-team', 'mobile-consulate-1');
      await page.click('#enrol-create');
      const code = (await page.textContent('#enrol-code')).trim();
      expect(/^[0-9A-Z]{5}(-[0-9A-Z]{5}){3}$/.test(code), 'the code is shown as XXXXX-XXXXX-XXXXX-XXXXX');
      // A phone redeems it (Ed25519 proof of possession, docs/sync-protocol.md section 14).
      const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
      const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
      const normalised = code.replace(/-/g, '');
      const proof = crypto.sign(null, Buffer.from(`liaison-enrol-v1\n${normalised}\n${raw.toString('hex')}`), privateKey);
      const enrol = await http(api, 'POST', '/v1/sync/enrol', null,
                               { code, public_key: raw.toString('base64'), proof: proof.toString('base64') });
      expect(enrol.status === 201, `enrolment: ${enrol.status} ${enrol.text}`);
      await page.reload();
      await page.waitForSelector(`#devices-table td >> text=${enrol.json.device_id}`);
      // Its outbox depth: never reported (it has not synced), so "unknown", never 0.
      const heads = await page.$$eval('#devices-table thead th', (ths) => ths.map((th) => th.textContent.trim()));
      const cells = await page.$$eval('#devices-table tbody tr', (trs, id) => {
        const tr = trs.find((r) => r.textContent.includes(id));
        return tr ? [...tr.children].map((td) => td.textContent.trim()) : [];
      }, enrol.json.device_id);
      const depthCol = heads.indexOf('Waiting on the phone');
      expect(depthCol >= 0, `the devices table has an outbox depth column: ${heads.join(' | ')}`);
      expect(cells[depthCol] === 'unknown', `a device that never reported its outbox depth shows "${cells[depthCol]}", not "unknown"`);
      const fresh = await http(api, 'GET', `/v1/devices/${enrol.json.device_id}`, officer);
      expect(fresh.json && fresh.json.outbox_depth === null && fresh.json.outbox_depth_at === null,
             `the API gives an outbox depth for a device that never reported one: ${fresh.text}`);
      await shot(page, 'devices-desktop');
      await page.click('#devices-table button.danger');
      await page.waitForSelector('#devices-table td >> text=Revoked');
      expect(await page.$('#devices-table button.danger') === null, 'no revoke button on a revoked device');
      const d = await http(api, 'GET', `/v1/devices/${enrol.json.device_id}`, officer);
      expect(d.json && d.json.revoked === true, `the API says the device is not revoked: ${d.text}`);
    });

    await step('the campaign and segment lists', async () => {
      await page.goto(`${api}/console#/campaigns`);
      await page.waitForSelector(`#campaigns-table tr[data-id="${campaignId}"]`);
      expect((await page.$$('#campaigns-table tbody tr')).length === 2, 'two campaigns listed');
      await shot(page, 'campaigns-desktop');
      await page.goto(`${api}/console#/segments`);
      await page.waitForSelector('#segments-table tbody tr');
      expect(/Paris group\s*5\s*4/.test(await page.textContent('#segments-table tbody')), 'segment list with its counts');
      await shot(page, 'segments-desktop');
    });

    await step('a large CSV goes in parts, with rejected rows reported by their line in the file', async () => {
      // 16,000 rows (about 600 KB, so at least two parts under the 1 MiB body limit), a quoted
      // name spanning two lines (refused: control characters) and a blank line, which both
      // shift physical line numbers, and one bad number near the end, in the second part.
      const lines = ['phone,name,language,country,groups'];
      let badLine = 0;
      for (let i = 0; i < 16000; ++i) {
        if (i === 14990) { lines.push('12,Bad Number,fr,FR,bulk'); badLine = lines.length; continue; }
        const name = i === 3 ? '"Two\nLines"' : `Bulk ${i}`;
        lines.push(`+336120${String(i).padStart(5, '0')},${name},fr,FR,bulk`);
        if (i === 10) lines.push('');
      }
      badLine += 1;  // the quoted name above it spans two physical lines
      const big = path.join(tmp, 'bulk.csv');
      fs.writeFileSync(big, lines.join('\n') + '\n');
      expect(fs.statSync(big).size > 520 * 1024, 'the file must need two parts');
      await page.goto(`${api}/console#/contacts`);
      await page.setInputFiles('#import-file', big);
      await page.click('#import-start');
      await page.waitForSelector('#import-summary', { timeout: 180_000 });
      const summary = await page.textContent('#import-summary');
      expect(/16,000 rows read: 15,998 added, 0 updated, 2 rejected/.test(summary), `summary: ${summary}`);
      const rows = await page.$$eval('#import-rejections tbody tr', (trs) => trs.map((tr) =>
        [...tr.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent).join(' ')));
      expect(JSON.stringify(rows) === JSON.stringify(['5 name', `${badLine} phone`]),
             `rejected rows by file line: expected 5 name and ${badLine} phone, the page says ${JSON.stringify(rows)}`);
      await shot(page, 'contacts-import-large-desktop', false);
    });

    await step('no CSP violation and no script error on any page', async () => {
      expect(problems.length === 0, problems.join('\n'));
    });
    await step('the daemon and the simulator stop cleanly (no sanitizer report)', async () => {
      for (const c of children) c.kill('SIGTERM');
      for (const [c, name] of [[children[1], 'serve'], [children[0], 'smsc-sim']]) {
        await waitFor(`${name} to exit`, async () => c.exited, 30_000);
        const log = fs.readFileSync(path.join(tmp, `${name}.log`), 'utf8');
        expect(!/AddressSanitizer|LeakSanitizer|runtime error:/.test(log), `${name}: sanitizer report in ${tmp}/${name}.log`);
        if (name === 'serve') {
          for (const secret of [adminToken, officer, analyst, '612345601', 'Amina']) {
            expect(!log.includes(secret), `serve.log contains a token, a phone number or a name`);
          }
        }
        expect(c.exited.code === 0, `${name} exited with ${JSON.stringify(c.exited)}; see ${tmp}/${name}.log`);
      }
    });
  } finally {
    await browser.close();
    console.log(`# screenshots: ${shots.map((s) => path.basename(s)).join(' ')} in ${opt.out}`);
  }
  console.log(`1..${stepNo}`);
}

main().then(() => { stopAll(); process.exit(0); }, (e) => {
  console.error(`console_e2e: ${e && e.stack ? e.stack : e}`);
  stopAll();
  process.exit(1);
});
