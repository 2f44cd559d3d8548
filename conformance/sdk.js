#!/usr/bin/env node
// Conformance check: the vendor's official Node.js SDK (ibtrealtimesjnode,
// pinned in package.json) against an emulator, every call through the
// balancer (isCluster true), as a real client written by somebody else.
//
// Usage: node sdk.js CLUSTER_URL APP_KEY PRIVATE_KEY [EXPECTED_PRESENCE_JSON]
//
// CLUSTER_URL is e.g. http://127.0.0.57/server/2.1. The SDK's cluster lookup
// keeps only the host name, so the emulator must listen on port 80 of it.
// EXPECTED_PRESENCE_JSON, when given, is the exact presence object expected
// while presence is on (e.g. seeded subscribers).
//
// Prints one line per call; exits non-zero with a message on anything
// unexpected.
'use strict';

const { IbtRealTimeSJNode } = require('ibtrealtimesjnode');

const [cluster, appKey, privateKey, expectedJSON] = process.argv.slice(2);
if (!cluster || !appKey || !privateKey) {
  console.error('usage: node sdk.js CLUSTER_URL APP_KEY PRIVATE_KEY [EXPECTED_PRESENCE_JSON]');
  process.exit(2);
}

const channel = 'conformance:room';
const token = 'conformance-token-' + process.pid;
const ortc = new IbtRealTimeSJNode();

function fail(msg) {
  console.error('FAIL: ' + msg);
  process.exit(1);
}

// A hung call is a failure too, not a stuck CI job.
const watchdog = setTimeout(() => fail('timed out after 30 s'), 30000);

// call wraps one SDK call in a promise of [error, result].
function call(name, fn) {
  return new Promise((resolve) => {
    try {
      fn((error, result) => resolve([error, result]));
    } catch (e) {
      fail(name + ' threw: ' + e);
    }
  });
}

function show(v) {
  return JSON.stringify(v);
}

// isPresence checks the shape the SDK's users read: subscriptions a number,
// metadata an object of counts.
function isPresence(p) {
  return p !== null && typeof p === 'object' && typeof p.subscriptions === 'number' &&
    p.metadata !== null && typeof p.metadata === 'object' && !Array.isArray(p.metadata) &&
    Object.values(p.metadata).every((n) => typeof n === 'number');
}

async function main() {
  const common = { applicationKey: appKey, url: cluster, isCluster: true, channel };

  let [err, ok] = await call('saveAuthentication', (cb) =>
    ortc.saveAuthentication(cluster, true, token, 0, appKey, 1800, privateKey, { [channel]: 'wp' }, cb));
  if (err !== null || ok !== true) fail('saveAuthentication: error ' + show(err) + ', result ' + show(ok));
  console.log('saveAuthentication: ok (' + channel + ': wp)');

  let res;
  [err, res] = await call('enablePresence', (cb) =>
    ortc.enablePresence(Object.assign({ privateKey, metadata: 1 }, common), cb));
  if (err !== null || typeof res !== 'string') fail('enablePresence: error ' + show(err) + ', result ' + show(res));
  console.log('enablePresence: ok (' + show(res) + ')');

  [err, res] = await call('presence', (cb) =>
    ortc.presence(Object.assign({ authenticationToken: token }, common), cb));
  if (err !== null || !isPresence(res)) fail('presence: error ' + show(err) + ', result ' + show(res));
  if (expectedJSON && show(res) !== show(JSON.parse(expectedJSON))) {
    fail('presence: got ' + show(res) + ', want ' + expectedJSON);
  }
  console.log('presence: ok (' + show(res) + ')');

  [err, res] = await call('disablePresence', (cb) =>
    ortc.disablePresence(Object.assign({ privateKey }, common), cb));
  if (err !== null || typeof res !== 'string') fail('disablePresence: error ' + show(err) + ', result ' + show(res));
  console.log('disablePresence: ok (' + show(res) + ')');

  [err, res] = await call('presence', (cb) =>
    ortc.presence(Object.assign({ authenticationToken: token }, common), cb));
  if (err !== null || res !== null) fail('presence after disable: error ' + show(err) + ', result ' + show(res) + ', want null');
  console.log('presence after disable: ok (null)');

  // The error paths, as the SDK reports them: a refused call hands the
  // callback the server's sentence.
  [err, ok] = await call('saveAuthentication with a wrong private key', (cb) =>
    ortc.saveAuthentication(cluster, true, token + '-x', 0, appKey, 1800, privateKey + '-wrong', { [channel]: 'r' }, cb));
  if (typeof err !== 'string' || err === '' || ok !== false) {
    fail('saveAuthentication with a wrong private key: error ' + show(err) + ', result ' + show(ok) + ', want the server\'s sentence and false');
  }
  console.log('saveAuthentication with a wrong private key: refused (' + show(err) + ')');

  [err, res] = await call('presence with a token lacking p', (cb) =>
    ortc.presence(Object.assign({ authenticationToken: token + '-unsaved' }, common), cb));
  if (err === null || err === undefined || err === '') {
    fail('presence with a token lacking p: error ' + show(err) + ', result ' + show(res) + ', want a refusal (the application enforces authentication)');
  }
  console.log('presence with a token lacking p: refused (' + show(err) + ')');

  clearTimeout(watchdog);
  // The token the SDK saved, for run.sh to check in the emulator's record.
  console.log('token: ' + token);
  console.log('PASS: 7 SDK calls through the balancer');
}

main().catch((e) => fail(String(e && e.stack || e)));
