/**
 * Socket Mode offline: the fake answers apps.connections.open with a ws:// URL on 127.0.0.1, says hello,
 * sends a slash-command envelope; the bot acks it on the socket and answers through response_url.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createSlackApp, type SlackBot } from '../../../src/bots/slack/app';
import { openDb } from '../../../src/core/store/db';
import { waitFor } from './fake-slack';

const calls: Array<{ path: string; body: string; auth?: string }> = [];
const acks: Array<{ envelope_id: string }> = [];
let server: Server;
let wss: WebSocketServer;
let bot: SlackBot;
const db = openDb(':memory:');

afterAll(async () => {
  await bot?.stop();
  wss?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  db.close();
});

it('connects in Socket Mode through SLACK_API_URL, acks an envelope and answers', async () => {
  server = createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += String(c);
    calls.push({ path: req.url ?? '', body, auth: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url === '/api/apps.connections.open') return res.end(JSON.stringify({ ok: true, url: `ws://127.0.0.1:${port}/socket` }));
    if (req.url === '/api/auth.test') return res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0ACME' }));
    res.end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  wss = new WebSocketServer({ server, path: '/socket' });
  wss.on('connection', (ws) => {
    ws.on('message', (m) => acks.push(JSON.parse(String(m)) as { envelope_id: string }));
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0SANCTIONS' } }));
    ws.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: { token: 't', command: '/sanctions', text: 'lists', user_id: 'UUSER', user_name: 'u', channel_id: 'C1', channel_name: 'c', team_id: 'T0ACME', team_domain: 'acme', api_app_id: 'A0SANCTIONS', trigger_id: '1', response_url: `http://127.0.0.1:${port}/response/1` },
      }),
    );
  });

  bot = createSlackApp({ botToken: 'xoxb-test', appToken: 'xapp-test', apiUrl: `http://127.0.0.1:${port}/api/`, data: () => ({ db, seed: false }), audit: false, logger: pino({ level: 'silent' }), retryConfig: { retries: 0 } });
  expect(await bot.start()).toEqual({});
  const answer = await waitFor(() => calls.find((c) => c.path === '/response/1'));
  expect(acks).toContainEqual(expect.objectContaining({ envelope_id: 'env-1' }));
  expect(JSON.parse(answer.body)).toMatchObject({ response_type: 'ephemeral' });
  expect(answer.body).toContain('Lists covered');
  const open = calls.find((c) => c.path === '/api/apps.connections.open')!;
  expect(open.auth).toBe('Bearer xapp-test');
});
