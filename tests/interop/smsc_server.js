// Copyright 2026 The Liaison Authors. SPDX-License-Identifier: Apache-2.0
//
// A minimal SMSC built on a third-party SMPP stack (node-smpp, npm "smpp"), so Liaison's SMPP
// client is tested against code we did not write. It listens on 127.0.0.1 (ephemeral port),
// accepts binds with one system_id/password, answers submit_sm with an incrementing hex message
// id and, when a final receipt is requested, sends a deliver_sm receipt (Appendix B text plus
// receipted_message_id / message_state / network_error_code TLVs) right after the response.
//
// Line protocol (stdout carries only replies; diagnostics go to stderr):
//   stdout  "PORT <n>"        once listening
//   stdin   "MO <count>"      send <count> mobile-originated deliver_sm "mo-<i>" to the newest bind
//   stdin   "STATS"           reply with one JSON line of counters
//   stdin   EOF / SIGTERM     close every session and exit 0
// Usage: node smsc_server.js [--system-id ID] [--password PW] [--mo-after-bind N]
//   (defaults from SMSC_SYSTEM_ID / SMSC_PASSWORD, else "liaison" / "pw")
'use strict';

const readline = require('readline');
const smpp = require('smpp');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const systemId = option('--system-id', process.env.SMSC_SYSTEM_ID || 'liaison');
const password = option('--password', process.env.SMSC_PASSWORD || 'pw');
const moAfterBind = Number(option('--mo-after-bind', '0'));

const stats = {
  binds: 0, bind_refusals: 0, submits: 0, receipts_sent: 0, receipts_acked: 0,
  mo_sent: 0, mo_acked: 0, deliver_errors: 0, enquire_links: 0, unbinds: 0,
};
let nextMessageId = 0x1000;
let moCounter = 0;
const bound = [];  // sessions that may receive deliver_sm, oldest first

function smppTime(date) {  // YYMMDDhhmm (UTC)
  const two = (n) => String(n).padStart(2, '0');
  return two(date.getUTCFullYear() % 100) + two(date.getUTCMonth() + 1) + two(date.getUTCDate()) +
         two(date.getUTCHours()) + two(date.getUTCMinutes());
}

// Sends a deliver_sm and counts its response under `acked` (or deliver_errors).
function deliver(session, fields, acked) {
  return session.deliver_sm(fields, (resp) => {
    if (resp.command_status === 0) stats[acked]++;
    else stats.deliver_errors++;
  });
}

function sendReceipt(session, submit, messageId, submittedAt) {
  const now = smppTime(new Date());
  const text = `id:${messageId} sub:001 dlvrd:001 submit date:${submittedAt} done date:${now} ` +
               'stat:DELIVRD err:000 text:';
  const sent = deliver(session, {
    source_addr_ton: submit.dest_addr_ton,
    source_addr_npi: submit.dest_addr_npi,
    source_addr: submit.destination_addr,
    dest_addr_ton: submit.source_addr_ton,
    dest_addr_npi: submit.source_addr_npi,
    destination_addr: submit.source_addr,
    esm_class: smpp.ESM_CLASS.MC_DELIVERY_RECEIPT,
    data_coding: 0,
    short_message: Buffer.from(text, 'ascii'),  // raw bytes: no GSM re-encoding by the library
    receipted_message_id: messageId,
    message_state: smpp.MESSAGE_STATE.DELIVERED,
    network_error_code: Buffer.from([3, 0, 0]),  // GSM, no error
  }, 'receipts_acked');
  if (sent) stats.receipts_sent++;
}

function sendMobileOriginated(count) {
  const session = bound[bound.length - 1];
  if (!session) {
    console.error('smsc_server: MO requested but no transceiver/receiver is bound');
    return;
  }
  for (let i = 0; i < count; i++) {
    const text = `mo-${moCounter++}`;
    const sent = deliver(session, {
      source_addr_ton: 1, source_addr_npi: 1, source_addr: '33612345678',
      dest_addr_ton: 0, dest_addr_npi: 1, destination_addr: '12345',
      esm_class: 0,
      data_coding: 0,
      short_message: Buffer.from(text, 'ascii'),
    }, 'mo_acked');
    if (sent) stats.mo_sent++;
  }
}

function onBind(session, pdu, canReceive) {
  if (pdu.system_id !== systemId || pdu.password !== password) {
    stats.bind_refusals++;
    const status = pdu.system_id !== systemId ? smpp.ESME_RINVSYSID : smpp.ESME_RINVPASWD;
    session.send(pdu.response({command_status: status}));
    return;
  }
  stats.binds++;
  session.send(pdu.response({system_id: 'node-smpp'}));
  if (canReceive) {
    bound.push(session);
    if (moAfterBind > 0) sendMobileOriginated(moAfterBind);
  }
}

const server = smpp.createServer((session) => {
  session.on('bind_transceiver', (pdu) => onBind(session, pdu, true));
  session.on('bind_receiver', (pdu) => onBind(session, pdu, true));
  session.on('bind_transmitter', (pdu) => onBind(session, pdu, false));
  session.on('submit_sm', (pdu) => {
    stats.submits++;
    const messageId = (nextMessageId++).toString(16).toUpperCase().padStart(8, '0');
    const submittedAt = smppTime(new Date());
    session.send(pdu.response({message_id: messageId}));
    // SMPP 3.4 §5.2.17: bits 0-1 == 01 ask for a receipt on success or failure.
    if ((pdu.registered_delivery & 0x03) === 0x01) {
      sendReceipt(session, pdu, messageId, submittedAt);
    }
  });
  session.on('enquire_link', (pdu) => {
    stats.enquire_links++;
    session.send(pdu.response());
  });
  session.on('unbind', (pdu) => {
    stats.unbinds++;
    session.send(pdu.response(), () => session.close());
  });
  session.on('unknown', (pdu) => session.send(pdu.response()));  // generic_nack
  session.on('close', () => {
    const i = bound.indexOf(session);
    if (i >= 0) bound.splice(i, 1);
  });
  session.on('error', (e) => console.error(`smsc_server: session error: ${e.message}`));
});

function shutdown() {
  for (const session of server.sessions.slice()) session.destroy();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}

server.on('error', (e) => {
  console.error(`smsc_server: ${e.message}`);
  process.exit(1);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`PORT ${server.address().port}\n`);
});

const input = readline.createInterface({input: process.stdin});
input.on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'MO') {
    sendMobileOriginated(Number(arg) || 0);
  } else if (command === 'STATS') {
    process.stdout.write(JSON.stringify(stats) + '\n');
  } else if (command) {
    console.error(`smsc_server: unknown command "${command}"`);
  }
});
input.on('close', shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
