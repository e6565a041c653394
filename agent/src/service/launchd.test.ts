import { describe, expect, it } from 'vitest';
import { launchdTarget, renderLaunchdPlist } from './launchd.ts';
import { darwinLayout } from './layout.ts';

/** The value after <key>name</key> (a scalar element, an empty <true/>, or an array's strings). */
function plistValue(plist: string, key: string): string {
  const match = new RegExp(`<key>${key}</key>\\s*(<(\\w+)\\s*/>|<(\\w+)>([\\s\\S]*?)</\\3>)`).exec(plist);
  if (!match) throw new Error(`no key ${key}`);
  return match[2] ? `<${match[2]}/>` : (match[4] ?? '').trim();
}

describe('launchd plist', () => {
  const layout = darwinLayout();
  const plist = renderLaunchdPlist(layout);

  it('is an Apple property list with the daemon label', () => {
    expect(plist.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC')).toBe(true);
    expect(plistValue(plist, 'Label')).toBe('com.stocktake.agent');
    expect(layout.plistPath).toBe('/Library/LaunchDaemons/com.stocktake.agent.plist');
    expect(launchdTarget(layout)).toBe('system/com.stocktake.agent');
  });

  it('starts at load, keeps the agent alive and logs where launchd can write', () => {
    expect(plistValue(plist, 'RunAtLoad')).toBe('<true/>');
    expect(plistValue(plist, 'KeepAlive')).toBe('<true/>');
    expect(plistValue(plist, 'ThrottleInterval')).toBe('30');
    expect(plistValue(plist, 'StandardErrorPath')).toBe('/Library/Logs/Stocktake/agent.log');
    expect(plistValue(plist, 'Umask')).toBe(String(0o077));
  });

  it('passes the run command and config path as separate arguments', () => {
    const args = [...plistValue(plist, 'ProgramArguments').matchAll(/<string>(.*?)<\/string>/g)].map((m) => m[1]);
    expect(args).toEqual([
      '/usr/local/bin/stocktake-agent',
      'run',
      '--config',
      '/Library/Application Support/Stocktake/agent.json',
    ]);
  });

  it('escapes XML in a custom config path', () => {
    const custom = renderLaunchdPlist(layout, '/Users/Shared/a&b<c>.json');
    expect(custom).toContain('<string>/Users/Shared/a&amp;b&lt;c&gt;.json</string>');
  });
});
