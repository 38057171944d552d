/**
 * The part of the shared store (src/core/shared, DATABASE_URL) chat commands use: channels' subscriptions and watch
 * terms, and the audit trail. Given in a CommandContext, commands read and write these there instead of the local
 * SQLite file (shared-commands.ts), so that every host answers from, and changes, the same state.
 */
import type { SharedStore } from '../shared/types';

export type SharedCommandStore = Pick<SharedStore, 'subscriptions' | 'audit'>;
