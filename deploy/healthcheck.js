#!/usr/bin/env node
// The container's health check (deploy/Dockerfile's HEALTHCHECK): asks the service on this
// machine for /readyz and exits 0 when it answers 200 (database answering, migrations applied,
// in embedded mode a test write to the data folder succeeded), 1 otherwise (503, no answer
// within the deadline, nothing listening). Plain JavaScript and Node's own modules only: it
// must start fast and must not need tsx. Reads the service's own settings: PORT, HOST,
// PIAOJUE_TLS_CERT (HTTPS is spoken when set; the certificate names the room's address, not
// this loopback one, so it is not checked here: the question is only whether the service answers).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const port = Number(process.env.PORT || 8080);
const listen = process.env.HOST || '0.0.0.0';
// A service listening on every interface is asked on loopback; one bound to an address, there.
const host = listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
const tls = Boolean(process.env.PIAOJUE_TLS_CERT);
const timeoutMs = Number(process.env.PIAOJUE_HEALTHCHECK_TIMEOUT_MS || 4000);

const request = tls ? httpsRequest : httpRequest;
const req = request({ host, port, path: '/readyz', method: 'GET', timeout: timeoutMs, ...(tls ? { rejectUnauthorized: false } : {}) }, (res) => {
  res.resume();
  console.log(`piaojue health: /readyz ${res.statusCode}`);
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => {
  console.log(`piaojue health: /readyz did not answer within ${timeoutMs} ms`);
  req.destroy();
  process.exit(1);
});
req.on('error', (e) => {
  console.log(`piaojue health: ${e.message}`);
  process.exit(1);
});
req.end();
