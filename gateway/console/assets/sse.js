// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// Server-sent events over fetch(). The browser's EventSource cannot send an Authorization
// header, and the console's token must never travel in a URL or a cookie, so the live
// monitor reads GET /v1/campaigns/{id}/events with fetch() and a ReadableStream and parses the
// text/event-stream framing here (the WHATWG "event stream interpretation", without
// reconnection: the caller decides when to retry).
//
//   const parser = new SseParser((ev) => ..., () => ...);   // {type, data, id}; comments
//   parser.push(textChunk); ...                              // chunks split anywhere
//
// Lines end with CRLF, LF or CR; "data" lines join with "\n"; an event without data is not
// dispatched; a line starting with ':' is a comment (the server's keep-alive). A line longer
// than MAX_LINE throws (a broken or hostile stream must not grow memory without bound).
export const MAX_LINE = 1 << 20;

export class SseParser {
  constructor(onEvent, onComment) {
    this.onEvent = onEvent;
    this.onComment = onComment || (() => {});
    this.buffer = '';
    this.skipLf = false;  // the previous chunk ended with CR: a leading LF belongs to it
    this.reset();
    this.lastId = '';
    this.retry = null;
  }

  reset() {
    this.type = '';
    this.data = [];
  }

  push(chunk) {
    let text = chunk;
    if (this.skipLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLf = false;
    this.buffer += text;
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf('\r', start);
      const lf = this.buffer.indexOf('\n', start);
      let end = cr < 0 ? lf : (lf < 0 ? cr : Math.min(cr, lf));
      if (end < 0) break;
      const line = this.buffer.slice(start, end);
      if (this.buffer[end] === '\r') {
        if (end + 1 < this.buffer.length) {
          if (this.buffer[end + 1] === '\n') end += 1;
        } else {
          this.skipLf = true;
        }
      }
      start = end + 1;
      this.line(line);
    }
    this.buffer = this.buffer.slice(start);
    if (this.buffer.length > MAX_LINE) throw new Error('event stream line too long');
  }

  line(line) {
    if (line === '') {
      if (this.data.length) {
        this.onEvent({ type: this.type || 'message', data: this.data.join('\n'), id: this.lastId });
      }
      this.reset();
      return;
    }
    if (line[0] === ':') { this.onComment(line.slice(1)); return; }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value[0] === ' ') value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    // other fields are ignored, as the standard says
  }
}

// Reads a fetch() Response body as an event stream until it ends or `signal` aborts. Calls
// onActivity() on every chunk (keep-alives included) so the caller can notice a silent stream.
export async function readEvents(response, { onEvent, onActivity = () => {}, signal } = {}) {
  if (!response.body || !response.body.getReader) throw new Error('this browser cannot read streams');
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parser = new SseParser(onEvent);
  const abort = () => { reader.cancel().catch(() => {}); };
  if (signal) signal.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      onActivity();
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
  } finally {
    if (signal) signal.removeEventListener('abort', abort);
  }
}
