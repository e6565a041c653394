#!/usr/bin/env node
// Runs the TypeScript sources directly; release builds ship a single bundled executable instead.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
