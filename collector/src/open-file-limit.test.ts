import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOpenFileLimit, readOpenFileLimit } from './open-file-limit.ts';

// As Linux prints /proc/<pid>/limits (this one from a systemd service on Debian 12).
const LIMITS = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max file size             unlimited            unlimited            bytes     
Max data size             unlimited            unlimited            bytes     
Max stack size            8388608              unlimited            bytes     
Max core file size        0                    unlimited            bytes     
Max resident set          unlimited            unlimited            bytes     
Max processes             96365                96365                processes 
Max open files            1024                 524288               files     
Max locked memory         8388608              8388608              bytes     
Max address space         unlimited            unlimited            bytes     
Max file locks            unlimited            unlimited            locks     
Max pending signals       96365                96365                signals   
Max msgqueue size         819200               819200               bytes     
Max nice priority         0                    0                    
Max realtime priority     0                    0                    
Max realtime timeout      unlimited            unlimited            us        
`;

describe('open-file limit', () => {
  it('reads the soft and hard limits from /proc/<pid>/limits', () => {
    expect(parseOpenFileLimit(LIMITS)).toEqual({ soft: 1024, hard: 524288 });
    expect(parseOpenFileLimit(LIMITS.replace('1024                 524288', 'unlimited            unlimited'))).toEqual(
      { soft: Number.POSITIVE_INFINITY, hard: Number.POSITIVE_INFINITY },
    );
  });

  it('says nothing rather than guess when the row is missing or garbled', () => {
    expect(parseOpenFileLimit('')).toBeUndefined();
    expect(parseOpenFileLimit(LIMITS.replace(/^Max open files.*$/m, ''))).toBeUndefined();
    expect(
      parseOpenFileLimit(LIMITS.replace('1024                 524288', 'lots                 524288')),
    ).toBeUndefined();
    expect(readOpenFileLimit('/nonexistent/limits')).toBeUndefined();
  });

  it("reads this process's own limits on Linux", () => {
    const dir = mkdtempSync(join(tmpdir(), 'stocktake-limits-'));
    try {
      writeFileSync(join(dir, 'limits'), LIMITS);
      expect(readOpenFileLimit(join(dir, 'limits'))).toEqual({ soft: 1024, hard: 524288 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    if (process.platform === 'linux') {
      const own = readOpenFileLimit();
      expect(own?.soft).toBeGreaterThan(0);
      expect(own?.soft).toBeLessThanOrEqual(own?.hard ?? 0);
    }
  });
});
