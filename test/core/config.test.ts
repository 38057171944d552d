import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DEFAULT_REFRESH_CRON, EnvSchema, loadConfig } from '../../src/core/config';
import { REPO_ROOT } from '../helpers/shared';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.SANCTIONS_DB).toBe('var/sanctions.db');
    expect(c.SANCTIONS_SOURCES).toBe('data/sources.json');
    expect(c.REFRESH_CRON).toBe(DEFAULT_REFRESH_CRON);
    expect(c.SLACK_PORT).toBe(3000);
    expect(c.SLACK_API_URL).toBe('https://slack.com/api/');
    expect(c.DISCORD_API_URL).toBe('https://discord.com/api');
    expect(c.LOG_LEVEL).toBe('info');
    expect(c.AUDIT_LOOKUPS).toBe(true);
    expect(c.SLACK_BOT_TOKEN).toBeUndefined();
  });

  it.each([
    ['SLACK_PORT', 'eighty', /^invalid configuration: SLACK_PORT: must be a port number/],
    ['SLACK_PORT', '70000', /SLACK_PORT: must be a port number from 0 to 65535, got "70000"/],
    ['REFRESH_CRON', 'every hour', /REFRESH_CRON: must be a cron expression/],
    ['SLACK_API_URL', 'ftp://x', /SLACK_API_URL: must be an http\(s\) URL/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: must be one of fatal, error/],
    ['DISCORD_APPLICATION_ID', 'abc', /DISCORD_APPLICATION_ID: must be a numeric application id/],
    ['AUDIT_LOOKUPS', 'maybe', /AUDIT_LOOKUPS: must be true or false/],
    ['SLACK_APP_TOKEN', 'xoxb-1', /SLACK_APP_TOKEN: must be an app-level token/],
  ])('stops on a bad %s with one line naming it', (name, value, message) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('requires the companion variables of a platform', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET: required/);
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).not.toThrow();
    expect(() => loadConfig({ DISCORD_TOKEN: 't' })).toThrow(/DISCORD_APPLICATION_ID: required/);
  });

  it('reads flags and numbers', () => {
    const c = loadConfig({ SLACK_PORT: '0', AUDIT_LOOKUPS: 'off', REFRESH_CRON: '*/5 * * * *' });
    expect(c.SLACK_PORT).toBe(0);
    expect(c.AUDIT_LOOKUPS).toBe(false);
    expect(c.REFRESH_CRON).toBe('*/5 * * * *');
  });
});

describe('.env.example', () => {
  it('documents every variable the configuration reads, each with a comment above it', () => {
    const text = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8').split('\n');
    for (const name of Object.keys(EnvSchema.shape)) {
      const at = text.findIndex((l) => l.startsWith(`${name}=`));
      expect(at, `${name} is missing from .env.example`).toBeGreaterThan(0);
      expect(text[at - 1], `${name} has no comment`).toMatch(/^#/);
    }
    expect(loadConfig(Object.fromEntries(text.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string])))).toBeTruthy();
  });
});
