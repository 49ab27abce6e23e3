// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// The REST API client (docs/api.md). The token lives in sessionStorage only (gone when the
// tab closes, never in a cookie, so no CSRF), and is sent as `Authorization: Bearer`. Errors
// become ApiError with the API's stable code; a 429 is retried once after its Retry-After
// (at most 5 s). whoAmI() asks GET /v1/me for the caller's tenant, role and token prefix (the
// API enforces roles regardless: the role here only hides buttons that would be refused).
// openEvents() opens a server-sent event stream with the token (sse.js).
import { readEvents } from './sse.js';

const KEY = 'liaison.console.token';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function token() { return sessionStorage.getItem(KEY) || ''; }
export function setToken(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

async function parseError(res) {
  let body = null;
  try { body = await res.json(); } catch (_) { /* not JSON */ }
  const e = body && body.error ? body.error : {};
  return new ApiError(res.status, e.code || 'http_' + res.status, e.message || res.statusText,
                      e.details);
}

// fetch() with the token. `opts`: {method, json, body, contentType, expect: 'json'|'text'|'blob'}.
export async function request(path, opts = {}) {
  const headers = { Authorization: 'Bearer ' + token() };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.contentType) {
    headers['Content-Type'] = opts.contentType;
  }
  for (let attempt = 0; ; ++attempt) {
    let res;
    try {
      res = await fetch(path, { method: opts.method || 'GET', headers, body, cache: 'no-store' });
    } catch (err) {
      throw new ApiError(0, 'network', String(err && err.message));
    }
    if (res.status === 429 && attempt === 0) {
      const wait = Math.min(5, Number(res.headers.get('Retry-After')) || 1);
      await new Promise((r) => setTimeout(r, wait * 1000));
      continue;
    }
    if (!res.ok) {
      const err = await parseError(res);
      if (res.status === 401 && !opts.quiet) onUnauthorized(err);
      throw err;
    }
    if (opts.expect === 'blob') return res.blob();
    if (opts.expect === 'text') return res.text();
    if (res.status === 204) return null;
    return res.json();
  }
}

export const get = (path, opts) => request(path, { ...opts, method: 'GET' });
export const post = (path, json) => request(path, { method: 'POST', json });
export const put = (path, json) => request(path, { method: 'PUT', json });
export const del = (path) => request(path, { method: 'DELETE' });

// Query string from an object, skipping empty values.
export function qs(params) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') p.set(k, v);
  }
  const s = p.toString();
  return s ? '?' + s : '';
}

// Uploads a CSV import with upload progress (fetch has none), resolving to the ImportReport.
export function importCsv(csv, params, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/v1/contacts/import' + qs(params));
    xhr.setRequestHeader('Authorization', 'Bearer ' + token());
    xhr.setRequestHeader('Content-Type', 'text/csv');
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body || {});
      const e = body && body.error ? body.error : {};
      const err = new ApiError(xhr.status, e.code || 'http_' + xhr.status, e.message, e.details);
      err.report = body && body.report ? body.report : (body && body.rejections ? body : null);
      if (xhr.status === 401) onUnauthorized(err);
      reject(err);
    };
    xhr.send(csv);
  });
}

// {tenant_id, role: 'admin' | 'officer' | 'auditor' | 'analyst', token_id, token_prefix};
// throws ApiError(401) for a bad token.
export async function whoAmI() {
  return request('/v1/me', { quiet: true });
}

// Streams the server-sent events of `path` (GET, with the token) to onEvent({type, data, id}).
// Resolves when the server ends the stream, rejects with ApiError when it is refused (401,
// 404, 429, 503...) or breaks; onOpen() is called once the response has started. `signal`
// (AbortSignal) stops it: the promise then resolves.
export async function openEvents(path, { onEvent, onOpen = () => {}, onActivity, signal } = {}) {
  let res;
  try {
    res = await fetch(path, {
      headers: { Authorization: 'Bearer ' + token(), Accept: 'text/event-stream' },
      cache: 'no-store', signal,
    });
  } catch (err) {
    if (signal && signal.aborted) return;
    throw new ApiError(0, 'network', String(err && err.message));
  }
  if (!res.ok) {
    const err = await parseError(res);
    if (res.status === 401) onUnauthorized(err);
    throw err;
  }
  onOpen();
  try {
    await readEvents(res, { onEvent, onActivity, signal });
  } catch (err) {
    if (signal && signal.aborted) return;
    throw new ApiError(0, 'stream', String(err && err.message));
  }
}

export const canWrite = (role) => role === 'admin' || role === 'officer';
export const canReadContacts = (role) => role !== 'analyst';
