/**
 * A digest's message is out once chat.postMessage answers: a slow file upload after it must not hold the
 * delivery past the worker's timeout (which would send the message again).
 */
import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SlackSink, UPLOAD_BUDGET_MS } from '../../../src/bots/slack/sink';

describe('Slack sink: files after the message', () => {
  it('returns delivered, with a warning, when the upload outlasts its budget; the budget fits the worker timeout', async () => {
    let posted = 0;
    const client = {
      chat: { postMessage: async () => ((posted += 1), { ok: true, ts: '1700000000.000100' }) },
      files: { getUploadURLExternal: () => new Promise(() => {}) },
    } as unknown as WebClient;
    const sink = new SlackSink(client, undefined, 50);
    const reply = { blocks: [{ type: 'text' as const, text: 'digest' }], summary: 'digest', private: false, files: [{ name: 'd.csv', type: 'text/csv', title: 'CSV', content: 'a,b\n' }] };
    const result = await sink.deliver('C1', reply);
    expect(result).toMatchObject({ ok: true, ref: '1700000000.000100', warning: expect.stringMatching(/still uploading/) });
    expect(posted).toBe(1);
    // The client's own timeout (10 s) plus the upload budget stay under the worker's 30 s.
    expect(10_000 + UPLOAD_BUDGET_MS).toBeLessThan(30_000);
  });
});
