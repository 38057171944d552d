/**
 * Downloading a shared file for screening: size-capped as it comes, no redirect followed (a token never goes
 * elsewhere), a web page in place of the file (Slack's answer without files:read) said as such, and only from
 * the hosts allowed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadFile, onAllowedHost } from '../../../src/core/screen/chat';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/redirect') return res.writeHead(302, { location: '/file' }).end();
    if (req.url === '/big') return res.writeHead(200, { 'content-type': 'text/csv' }).end(Buffer.alloc(5000, 0x41));
    if (req.url === '/page') return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html>sign in</html>');
    if (req.url === '/file') return res.writeHead(200, { 'content-type': 'text/csv' }).end(`Name\nauth:${req.headers.authorization ?? ''}\n`);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const reason = (p: Promise<unknown>) => p.then(() => 'downloaded', (err: Error) => err.message);

describe('downloadFile', () => {
  it('reads a file with the headers given', async () => {
    expect((await downloadFile(`${base}/file`, { headers: { authorization: 'Bearer xoxb-1' }, maxBytes: 1000 })).toString()).toBe('Name\nauth:Bearer xoxb-1\n');
  });

  it.each([
    ['/redirect', 'the file could not be downloaded (the file host redirected elsewhere: the app may lack permission to read files)'],
    ['/page', 'the file could not be downloaded (the file host answered with a web page: the app may lack permission to read files)'],
    ['/missing', 'the file could not be downloaded (HTTP 404)'],
  ])('%s: %s', async (path, message) => {
    expect(await reason(downloadFile(`${base}${path}`, { maxBytes: 1000 }))).toBe(message);
  });

  it('stops a download past the size limit', async () => {
    expect(await reason(downloadFile(`${base}/big`, { maxBytes: 1000 }))).toMatch(/more than the 1000 bytes allowed \(SCREEN_MAX_BYTES\)$/);
  });

  it('knows the allowed hosts by origin, not by prefix', () => {
    expect(onAllowedHost('https://files.slack.com/files-pri/T1-F1/a.csv', ['https://files.slack.com'])).toBe(true);
    expect(onAllowedHost('https://files.slack.com.evil.example/a.csv', ['https://files.slack.com'])).toBe(false);
    expect(onAllowedHost('http://files.slack.com/a.csv', ['https://files.slack.com'])).toBe(false);
    expect(onAllowedHost('not a url', ['https://files.slack.com'])).toBe(false);
  });
});
