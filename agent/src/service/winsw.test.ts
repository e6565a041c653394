import { describe, expect, it } from 'vitest';
import { windowsLayout } from './layout.ts';
import {
  deferredDeleteCommandLine,
  renderWinswRuntimeConfig,
  renderWinswXml,
  restrictDirectoryCommand,
  restrictFileCommand,
  scQueryCommand,
  wrapperCommand,
} from './winsw.ts';

const env = { ProgramFiles: 'C:\\Program Files', ProgramData: 'C:\\ProgramData' };

describe('WinSW service definition', () => {
  const layout = windowsLayout(env);
  const xml = renderWinswXml(layout);
  const element = (name: string) => [...xml.matchAll(new RegExp(`<${name}>(.*?)</${name}>`, 'g'))].map((m) => m[1]);

  it('lays the files out under Program Files and ProgramData', () => {
    expect(layout.binaryPath).toBe('C:\\Program Files\\Stocktake\\stocktake-agent.exe');
    expect(layout.wrapperPath).toBe('C:\\Program Files\\Stocktake\\stocktake-agent-service.exe');
    // WinSW finds its XML by its own base name.
    expect(layout.wrapperXmlPath).toBe('C:\\Program Files\\Stocktake\\stocktake-agent-service.xml');
    expect(layout.wrapperRuntimeConfigPath).toBe('C:\\Program Files\\Stocktake\\stocktake-agent-service.exe.config');
    expect(layout.configPath).toBe('C:\\ProgramData\\Stocktake\\agent.json');
    expect(windowsLayout({ ProgramFiles: 'D:\\Apps', ProgramData: 'D:\\Data' }).configPath).toBe(
      'D:\\Data\\Stocktake\\agent.json',
    );
  });

  it('names the service, the executable and each argument', () => {
    expect(element('id')).toEqual(['stocktake-agent']);
    expect(element('name')).toEqual(['Stocktake Agent']);
    expect(element('executable')).toEqual(['C:\\Program Files\\Stocktake\\stocktake-agent.exe']);
    expect(element('argument')).toEqual(['run', '--config', 'C:\\ProgramData\\Stocktake\\agent.json']);
    expect(element('startmode')).toEqual(['Automatic']);
    expect(xml).toContain('<env name="STOCKTAKE_STATE_DIR" value="C:\\ProgramData\\Stocktake\\state"/>');
  });

  it('restarts on failure and rolls its logs', () => {
    expect([...xml.matchAll(/<onfailure action="(\w+)" delay="([^"]+)"\/>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['restart', '10 sec'],
      ['restart', '60 sec'],
    ]);
    expect(element('resetfailure')).toEqual(['1 hour']);
    expect(element('logpath')).toEqual(['C:\\ProgramData\\Stocktake\\logs']);
    expect(xml).toMatch(
      /<log mode="roll-by-size">\s*<sizeThreshold>10240<\/sizeThreshold>\s*<keepFiles>5<\/keepFiles>/,
    );
  });

  it('escapes XML in paths', () => {
    expect(renderWinswXml(layout, 'C:\\R&D\\<a>.json')).toContain('<argument>C:\\R&amp;D\\&lt;a&gt;.json</argument>');
  });

  it('lets WinSW 1.x run on .NET 4 without a revocation check', () => {
    const config = renderWinswRuntimeConfig();
    expect(config.indexOf('v4.0')).toBeLessThan(config.indexOf('v2.0.50727'));
    expect(config).toContain('<generatePublisherEvidence enabled="false" />');
  });
});

describe('Windows commands', () => {
  const layout = windowsLayout(env);

  it('locks the data directory and the config to SYSTEM and Administrators by SID', () => {
    expect(restrictDirectoryCommand(layout.dataDir)).toEqual([
      'icacls.exe',
      'C:\\ProgramData\\Stocktake',
      '/inheritance:r',
      '/grant:r',
      '*S-1-5-18:(OI)(CI)F',
      '*S-1-5-32-544:(OI)(CI)F',
    ]);
    expect(restrictFileCommand(layout.configPath)).toEqual([
      'icacls.exe',
      'C:\\ProgramData\\Stocktake\\agent.json',
      '/inheritance:r',
      '/grant:r',
      '*S-1-5-18:F',
      '*S-1-5-32-544:F',
    ]);
  });

  it('drives the service through the wrapper and queries it with sc.exe', () => {
    expect(wrapperCommand(layout, 'install')).toEqual([
      'C:\\Program Files\\Stocktake\\stocktake-agent-service.exe',
      'install',
    ]);
    expect(scQueryCommand(layout)).toEqual(['sc.exe', 'query', 'stocktake-agent']);
  });

  it('deletes a running executable after a pause, then its directory', () => {
    expect(deferredDeleteCommandLine([layout.binaryPath], [layout.installDir])).toBe(
      'ping -n 3 127.0.0.1 >nul & del /f /q "C:\\Program Files\\Stocktake\\stocktake-agent.exe" & rmdir "C:\\Program Files\\Stocktake"',
    );
  });
});
