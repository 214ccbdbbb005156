#!/usr/bin/env node
'use strict';
// Container health checks (Docker HEALTHCHECK, Kubernetes exec probes). Plain Node, no dependencies.
//
//   node healthcheck.cjs gateway        GET http://127.0.0.1:$PORT/healthz answers 2xx
//   node healthcheck.cjs worker         GET http://127.0.0.1:$FLOWGATE_WORKER_HTTP_PORT/healthz answers 2xx
//   node healthcheck.cjs http <url>     <url> answers 2xx
//   node healthcheck.cjs tcp <host:port>
//
// Exit status 0 healthy, 1 not (one line on stderr says why).
const net = require('node:net');

const TIMEOUT_MS = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 3000);

function fail(message) {
  process.stderr.write(`unhealthy: ${message}\n`);
  process.exit(1);
}

async function http(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (res.status < 200 || res.status >= 300) fail(`${url} answered ${res.status}`);
}

function tcp(address) {
  const at = address.lastIndexOf(':');
  const host = at > 0 ? address.slice(0, at) : '';
  const port = Number(address.slice(at + 1));
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) fail(`not host:port: '${address}'`);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(TIMEOUT_MS, () => {
      socket.destroy();
      fail(`${address}: no answer within ${TIMEOUT_MS} ms`);
    });
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', (err) => fail(`${address}: ${err.code || err.message}`));
  });
}

async function main() {
  const [mode, target] = process.argv.slice(2);
  switch (mode) {
    case 'gateway':
      return http(`http://127.0.0.1:${process.env.PORT || 3000}/healthz`);
    case 'worker':
      return http(`http://127.0.0.1:${process.env.FLOWGATE_WORKER_HTTP_PORT || 9464}/healthz`);
    case 'http':
      if (!target) fail('usage: healthcheck.cjs http <url>');
      return http(target);
    case 'tcp':
      if (!target) fail('usage: healthcheck.cjs tcp <host:port>');
      return tcp(target);
    default:
      fail(`unknown mode '${mode ?? ''}': use gateway, worker, http <url> or tcp <host:port>`);
  }
}

main().then(
  () => process.exit(0),
  (err) =>
    fail(
      err && err.cause
        ? `${err.message} (${err.cause.code || err.cause.message})`
        : String(err && err.message),
    ),
);
