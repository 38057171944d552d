/**
 * The Discord sink feeds the worker's pacer with what Discord said: the X-RateLimit-* headers of each answer on a
 * channel's messages route, and which route a 429 was for (that route waits, not the whole bot).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { DiscordSink, GLOBAL_ROUTE, messagesRoute } from '../../../src/bots/discord/sink';
import { FakeDiscord } from './fake-discord';

describe('Discord sink rate-limit buckets', () => {
  const fake = FakeDiscord.start();
  afterAll(async () => (await fake).close());

  it('passes on X-RateLimit-Remaining / Reset-After / Bucket, and names the route a per-route 429 was for', async () => {
    const discord = await fake;
    const sink = new DiscordSink({ token: 'test-token.discord', apiUrl: discord.api });
    try {
      expect(sink.routes('123456789012')).toEqual([GLOBAL_ROUTE, { key: messagesRoute('123456789012') }]);
      discord.on(
        'POST',
        /^\/api\/v10\/channels\/123456789012\/messages$/,
        () => ({ status: 200, body: { id: '999', channel_id: '123456789012' }, headers: { 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '3', 'x-ratelimit-reset-after': '4.5', 'x-ratelimit-bucket': 'b1' } }),
        1,
      );
      const ok = await sink.deliver('123456789012', { summary: 'x', blocks: [] }, 'k1');
      expect(ok).toMatchObject({ ok: true, ref: '999', rate: [{ key: messagesRoute('123456789012'), remaining: 3, resetAfterMs: 4500, limit: 5, bucket: 'b1' }] });

      discord.on(
        'POST',
        /^\/api\/v10\/channels\/223456789012\/messages$/,
        () => ({
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: 2, global: false },
          headers: { 'retry-after': '2', 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '2', 'x-ratelimit-bucket': 'b1', 'x-ratelimit-scope': 'user' },
        }),
        1,
      );
      const limited = await sink.deliver('223456789012', { summary: 'x', blocks: [] }, 'k2');
      expect(limited).toMatchObject({ ok: false, permanent: false, limitedRoute: messagesRoute('223456789012') });
      expect(limited.ok ? 0 : limited.retryAfterMs).toBeGreaterThanOrEqual(1000);
    } finally {
      sink.close();
    }
  });
});
