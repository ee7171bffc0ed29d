import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { importDataset } from '../../../../electron/core/ingest/importDataset';
import { openStore } from '../../../../electron/core/store/openStore';
import { FIXTURES, tempDir } from '../../helpers';

// No Bitcoin Core binary exists on these machines: this server replays the real getblock
// response recorded in the fixtures, the way a node on the lab network would answer.
const RECORDED = join(FIXTURES, 'bitcoin/bitcoin-etl/block_with_transactions_rpc_response_getblock_000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141_2.json');
const HASH = '000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141';
const COOKIE = '__cookie__:3f1e9c0d7a';

interface Replay {
  url: string;
  calls: string[];
  failNextGetblock: boolean;
}

async function replayNode(): Promise<Replay> {
  const block = readFileSync(RECORDED, 'utf8');
  const state: Replay = { url: '', calls: [], failNextGetblock: true };
  const body = (req: IncomingMessage) => new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => resolve(text));
  });
  const server: Server = createServer(async (req, res) => {
    const request = JSON.parse(await body(req)) as { id: number; method: string; params: unknown[] };
    if (req.headers.authorization !== 'Basic ' + Buffer.from(COOKIE).toString('base64')) {
      res.writeHead(401).end();
      return;
    }
    state.calls.push(request.method);
    const reply = (result: string) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"result": ${result}, "error": null, "id": ${request.id}}`);
    if (request.method === 'getblockchaininfo') return reply('{"chain": "main", "blocks": 50001}');
    if (request.method === 'getblockhash' && request.params[0] === 50001) return reply(JSON.stringify(HASH));
    if (request.method === 'getblock' && request.params[0] === HASH && request.params[1] === 2) {
      if (state.failNextGetblock) {
        state.failNextGetblock = false;
        res.writeHead(503).end('warming up');
        return;
      }
      return reply(block);
    }
    res.writeHead(200).end(`{"result": null, "error": {"code": -8, "message": "Block height out of range"}, "id": ${request.id}}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  after(() => server.close());
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return state;
}

test('a live pull of a height range from a node, with a cookie file, retrying a failed request', async () => {
  const node = await replayNode();
  const cookie = join(tempDir(), '.cookie');
  writeFileSync(cookie, COOKIE + '\n');
  const db = openStore(':memory:');
  const r = await importDataset(db, { paths: [], rpc: { url: node.url, cookieFile: cookie, from: 50001, to: 50001 } });
  assert.equal(r.dataset!.chain, 'bip122:000000000019d6689c085ae165831e93');
  assert.deepEqual([r.dataset!.added.blocks, r.dataset!.added.transactions], [1, 3]);
  assert.equal(r.dataset!.sources[0].kind, 'rpc-pull');
  assert.equal(r.dataset!.sources[0].name, `${node.url.replace(/\/$/, '')} heights 50001-50001`);
  assert.deepEqual(node.calls, ['getblockchaininfo', 'getblockhash', 'getblock', 'getblock']);
  assert.equal(db.prepare('SELECT count(*) FROM tx').pluck().get(), 3);
  db.close();
});

test('credentials in the URL work; wrong ones and a height the node lacks give clear errors and commit nothing', async () => {
  const node = await replayNode();
  node.failNextGetblock = false;
  const u = new URL(node.url);
  u.username = '__cookie__';
  u.password = '3f1e9c0d7a';
  const db = openStore(':memory:');
  const ok = await importDataset(db, { paths: [], rpc: { url: u.toString(), from: 50001, to: 50001 } });
  assert.ok(!ok.dataset!.sources[0].name.includes('3f1e9c0d7a'), 'the password is not recorded');

  u.password = 'wrong';
  await assert.rejects(importDataset(db, { paths: [], rpc: { url: u.toString(), from: 50001, to: 50001 } }), /refused the credentials/);
  u.password = '3f1e9c0d7a';
  await assert.rejects(importDataset(db, { paths: [], rpc: { url: u.toString(), from: 50001, to: 50002 } }), /getblockhash failed: Block height out of range/);
  assert.equal(db.prepare('SELECT count(*) FROM dataset').pluck().get(), 1);
  db.close();
});

test('a node pull naming a chain with no node import (Tron) is refused with the node URL, before any request', async () => {
  const db = openStore(':memory:');
  await assert.rejects(
    importDataset(db, { paths: [], chain: 'tron', rpc: { url: 'http://127.0.0.1:1/', from: 1, to: 2 } }),
    (e: Error) => e.message.includes('http://127.0.0.1:1/') && /Tron is neither, so import its files instead/.test(e.message),
  );
  assert.equal(db.prepare('SELECT count(*) FROM dataset').pluck().get(), 0);
});
