import pino from 'pino';
import { createContext } from './context.ts';
import type { CollectContext } from './types.ts';

/** A real context (real files, real commands) with a silent logger; override what a test fakes. */
export function testContext(overrides: Partial<CollectContext> = {}): CollectContext {
  return { ...createContext({ log: pino({ level: 'silent' }), platform: 'linux' }), ...overrides };
}
