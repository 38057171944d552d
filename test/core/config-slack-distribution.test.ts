/** Slack distribution mode's variables (issue 16): all three or none, not beside a bot token, over HTTP. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, slackMode } from '../../src/core/config';

const DIST = { SLACK_CLIENT_ID: '1111111111.2222222222', SLACK_CLIENT_SECRET: '0123456789abcdef0123456789abcdef', SLACK_STATE_SECRET: 'a-state-secret-of-some-length', SLACK_SIGNING_SECRET: 'signing' };

describe('Slack distribution mode in the configuration', () => {
  it('is on with the client id, client secret and state secret (and the signing secret), off without', () => {
    const c = loadConfig(DIST);
    expect(slackMode(c)).toBe('distribution');
    expect(c.SLACK_CLIENT_ID).toBe('1111111111.2222222222');
    expect(slackMode(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }))).toBe('workspace');
    expect(slackMode(loadConfig({}))).toBeUndefined();
  });

  it.each([
    [{ SLACK_CLIENT_ID: DIST.SLACK_CLIENT_ID, SLACK_SIGNING_SECRET: 's' }, /^invalid configuration: SLACK_CLIENT_SECRET, SLACK_STATE_SECRET: required with SLACK_CLIENT_ID \(Slack distribution mode needs/],
    [{ SLACK_CLIENT_ID: DIST.SLACK_CLIENT_ID, SLACK_CLIENT_SECRET: DIST.SLACK_CLIENT_SECRET, SLACK_SIGNING_SECRET: 's' }, /SLACK_STATE_SECRET: required with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET/],
    [{ SLACK_CLIENT_SECRET: DIST.SLACK_CLIENT_SECRET }, /SLACK_CLIENT_ID, SLACK_STATE_SECRET: required with SLACK_CLIENT_SECRET/],
    [{ ...DIST, SLACK_BOT_TOKEN: 'xoxb-1' }, /SLACK_BOT_TOKEN: set either SLACK_BOT_TOKEN \(one workspace\) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET .*not both/],
    [{ ...DIST, SLACK_APP_TOKEN: 'xapp-1' }, /SLACK_APP_TOKEN: distribution mode runs over HTTP/],
    [{ ...DIST, SLACK_SIGNING_SECRET: '' }, /SLACK_SIGNING_SECRET: required in Slack distribution mode/],
    [{ ...DIST, SLACK_CLIENT_ID: 'abc' }, /SLACK_CLIENT_ID: must be the app's client id/],
    [{ ...DIST, SLACK_CLIENT_SECRET: 'not-hex!' }, /SLACK_CLIENT_SECRET: must be the app's client secret/],
    [{ ...DIST, SLACK_STATE_SECRET: 'short' }, /SLACK_STATE_SECRET: must be at least 16 characters/],
    [{ ...DIST, SLACK_REDIRECT_URI: 'https://bot.example.com/callback' }, /SLACK_REDIRECT_URI: must be the bot's public address ending in \/slack\/oauth_redirect/],
    [{ SLACK_REDIRECT_URI: 'https://bot.example.com/slack/oauth_redirect' }, /SLACK_REDIRECT_URI: only used in distribution mode/],
  ])('refuses %o with one line naming what is wrong', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts a redirect URI on the OAuth redirect path', () => {
    expect(loadConfig({ ...DIST, SLACK_REDIRECT_URI: 'https://bot.example.com/slack/oauth_redirect' }).SLACK_REDIRECT_URI).toBe('https://bot.example.com/slack/oauth_redirect');
  });
});
