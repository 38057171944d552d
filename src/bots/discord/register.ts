/**
 * Command registration: `sanctions discord-register` PUTs the definitions (a PUT replaces the whole set, so it
 * is idempotent), to one guild when DISCORD_GUILD_ID is set (instant, for a test server) or globally. The bot
 * itself never registers: at start it only compares what Discord has with what it serves, and logs a line
 * when they differ.
 */
import { parseArgs } from 'node:util';
import { DiscordAPIError, REST, Routes, type RESTOptions } from 'discord.js';
import { ConfigError, loadConfig } from '../../core/config';
import { commandDefinitions } from './commands';
import { screenMessageCommand } from './screen-message';

export interface RegisterTarget {
  token: string;
  applicationId: string;
  guildId?: string;
  /** REST base without version (DISCORD_API_URL). */
  apiUrl?: string;
  /** An authenticated REST client to use instead of one made from token and apiUrl. */
  rest?: REST;
  restOptions?: Partial<RESTOptions>;
}

export interface Registration {
  scope: 'guild' | 'global';
  guildId?: string;
  commands: string[];
}

function restFor(target: RegisterTarget): REST {
  return target.rest ?? new REST({ api: target.apiUrl ?? 'https://discord.com/api', retries: 1, ...target.restOptions }).setToken(target.token);
}

function route(target: Pick<RegisterTarget, 'applicationId' | 'guildId'>): `/${string}` {
  return target.guildId ? Routes.applicationGuildCommands(target.applicationId, target.guildId) : Routes.applicationCommands(target.applicationId);
}

/** Everything the bot serves: the slash commands, and the message command "Screen this message". */
export function servedCommands(): Array<ReturnType<typeof commandDefinitions>[number] | ReturnType<typeof screenMessageCommand>> {
  return [...commandDefinitions(), screenMessageCommand()];
}

/** "/sanctions" for a slash command, "“Screen this message”" for a context-menu one (names with spaces). */
const shown = (name: string): string => (name.includes(' ') ? `“${name}”` : `/${name}`);

export async function registerCommands(target: RegisterTarget, options: { clear?: boolean } = {}): Promise<Registration> {
  const body = options.clear ? [] : servedCommands();
  const answer = (await restFor(target).put(route(target), { body })) as Array<{ name: string }>;
  return {
    scope: target.guildId ? 'guild' : 'global',
    ...(target.guildId ? { guildId: target.guildId } : {}),
    commands: (Array.isArray(answer) ? answer : (body as Array<{ name: string }>)).map((c) => c.name),
  };
}

// ------------------------------------------------------------------------------------------------ check

interface Option {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  options?: Option[];
}

interface Command {
  name: string;
  description?: string;
  type?: number;
  default_member_permissions?: string | null;
  options?: Option[];
}

/** The parts that decide what users see and send; Discord adds ids, versions and defaults of its own. */
function shape(c: Command): unknown {
  const option = (o: Option): unknown => ({
    type: o.type,
    name: o.name,
    description: o.description,
    required: o.required ?? false,
    autocomplete: o.autocomplete ?? false,
    choices: (o.choices ?? []).map((ch) => [ch.name, ch.value]),
    min_value: o.min_value ?? null,
    max_value: o.max_value ?? null,
    min_length: o.min_length ?? null,
    max_length: o.max_length ?? null,
    options: (o.options ?? []).map(option),
  });
  // A context-menu command has no description: Discord answers "" where the builder sends none.
  return { type: c.type ?? 1, description: c.description ?? '', default_member_permissions: c.default_member_permissions ?? null, options: (c.options ?? []).map(option) };
}

export interface RegistrationCheck {
  scope: 'guild' | 'global';
  /** Everything the bot serves is registered as it serves it. */
  matches: boolean;
  missing: string[];
  different: string[];
  /** Registered, but not served by this bot. */
  extra: string[];
}

export function compareCommands(served: Command[], registered: Command[]): Omit<RegistrationCheck, 'scope'> {
  const byName = new Map(registered.map((c) => [c.name, c]));
  const missing: string[] = [];
  const different: string[] = [];
  for (const c of served) {
    const r = byName.get(c.name);
    if (!r) missing.push(c.name);
    else if (JSON.stringify(shape(c)) !== JSON.stringify(shape(r))) different.push(c.name);
  }
  const extra = registered.filter((r) => !served.some((c) => c.name === r.name)).map((r) => r.name);
  return { matches: !missing.length && !different.length, missing, different, extra };
}

export async function checkRegistered(target: RegisterTarget): Promise<RegistrationCheck> {
  const registered = (await restFor(target).get(route(target))) as Command[];
  return { scope: target.guildId ? 'guild' : 'global', ...compareCommands(servedCommands() as Command[], registered) };
}

export function describeCheck(check: RegistrationCheck): string {
  if (check.matches) return `the ${check.scope} slash commands are registered as served`;
  const parts = [
    check.missing.length ? `not registered: ${check.missing.map(shown).join(', ')}` : '',
    check.different.length ? `registered differently: ${check.different.map(shown).join(', ')}` : '',
  ].filter(Boolean);
  return `the ${check.scope} slash commands differ from what this bot serves (${parts.join('; ')}): run "npx sanctions discord-register"`;
}

// ------------------------------------------------------------------------------------------------ the CLI

export interface RegisterIO {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const USAGE = `usage: sanctions discord-register [--global] [--check | --clear]

Registers the /sanctions and /sanctions-alerts slash commands and the "Screen this message" message command with Discord (a PUT: running it again is harmless).
Needs DISCORD_TOKEN and DISCORD_APPLICATION_ID; with DISCORD_GUILD_ID, registers to that guild only (instant),
else globally. DISCORD_API_URL changes the REST base.

  --global    register globally even when DISCORD_GUILD_ID is set
  --check     only compare what is registered with what the bot serves
  --clear     remove the bot's commands from that scope (e.g. guild ones, after moving to global)`;

/** `sanctions discord-register`: 0 done, 1 Discord refused or could not be reached, 2 usage or configuration. */
export async function discordRegisterCommand(args: string[], io: RegisterIO): Promise<number> {
  let values: { global?: boolean; check?: boolean; clear?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { global: { type: 'boolean' }, check: { type: 'boolean' }, clear: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }));
    if (values.check && values.clear) throw new Error('--check and --clear exclude each other');
  } catch (err) {
    io.err(`sanctions: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`sanctions: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) {
    io.err('sanctions: discord-register needs DISCORD_TOKEN and DISCORD_APPLICATION_ID (see docs/discord.md)');
    return 2;
  }
  const target: RegisterTarget = {
    token: config.DISCORD_TOKEN,
    applicationId: config.DISCORD_APPLICATION_ID,
    ...(config.DISCORD_GUILD_ID && !values.global ? { guildId: config.DISCORD_GUILD_ID } : {}),
    apiUrl: config.DISCORD_API_URL,
  };
  const where = target.guildId ? `guild ${target.guildId}` : 'global';
  try {
    if (values.check) {
      const check = await checkRegistered(target);
      io.out(`${where}: ${describeCheck(check)}${check.extra.length ? `; also registered: ${check.extra.map(shown).join(', ')}` : ''}`);
      return check.matches ? 0 : 1;
    }
    if (values.clear) {
      await registerCommands(target, { clear: true });
      io.out(`Removed the ${target.guildId ? `guild ${target.guildId}` : 'global'} slash commands of application ${target.applicationId}.`);
      return 0;
    }
    const done = await registerCommands(target);
    const menus = done.commands.filter((n) => n.includes(' '));
    io.out(
      `Registered ${done.commands.filter((n) => !n.includes(' ')).map(shown).join(' and ')} for application ${target.applicationId}, ` +
        (done.scope === 'guild' ? `in guild ${done.guildId} (available at once).` : 'globally (every server that invited the bot, and DMs; clients may take a few minutes to show them).') +
        (menus.length ? ` Message command${menus.length === 1 ? '' : 's'}: ${menus.map(shown).join(', ')} (a message's menu > Apps).` : ''),
    );
    return 0;
  } catch (err) {
    io.err(`sanctions: ${where} command registration failed: ${explain(err, target)}`);
    return 1;
  }
}

function explain(err: unknown, target: RegisterTarget): string {
  if (err instanceof DiscordAPIError) {
    if (err.status === 401) return 'Discord rejected DISCORD_TOKEN (401 Unauthorized)';
    if (err.code === 50001 || err.status === 403) {
      return target.guildId
        ? `missing access to guild ${target.guildId}: invite the bot there with the applications.commands scope (docs/discord.md), or check DISCORD_GUILD_ID`
        : 'missing access: check that DISCORD_APPLICATION_ID belongs to this bot token';
    }
    if (err.status === 404) return 'unknown application or guild: check DISCORD_APPLICATION_ID and DISCORD_GUILD_ID';
    return `${err.status} ${err.code}: ${err.message}`;
  }
  return (err as Error).message;
}
