import type { DarwinLayout } from './layout.ts';
import { xmlEscape } from './xml.ts';

/**
 * The launchd daemon definition (/Library/LaunchDaemons: runs as root at boot, before any
 * login). KeepAlive restarts the agent whenever it exits; ThrottleInterval spaces restarts.
 */
export function renderLaunchdPlist(layout: DarwinLayout, configPath: string = layout.configPath): string {
  const args = [layout.binaryPath, 'run', '--config', configPath]
    .map((arg) => `    <string>${xmlEscape(arg)}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${xmlEscape(layout.label)}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>EnvironmentVariables</key>
  <dict>
    <key>STOCKTAKE_STATE_DIR</key>
    <string>${xmlEscape(layout.stateDir)}</string>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <true/>
  <key>ThrottleInterval</key>
  <integer>30</integer>
  <key>ProcessType</key>
  <string>Background</string>
  <key>Umask</key>
  <integer>63</integer>
  <key>StandardOutPath</key>
  <string>${xmlEscape(layout.logPath)}</string>
  <key>StandardErrorPath</key>
  <string>${xmlEscape(layout.logPath)}</string>
</dict>
</plist>
`;
}

/** launchd's name for the daemon in the system domain. */
export function launchdTarget(layout: DarwinLayout): string {
  return `system/${layout.label}`;
}
