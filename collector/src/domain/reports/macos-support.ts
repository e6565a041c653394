/**
 * Which Macs the current macOS runs on, by model identifier (`MacBookPro16,1`, `Mac15,6`: what
 * the agent reports as the system model of a Mac).
 *
 * Source: Apple's "macOS Tahoe is compatible with these computers" (MacBook Air and MacBook Pro
 * with Apple silicon, MacBook Pro 16-inch 2019, MacBook Pro 13-inch 2020 with four Thunderbolt 3
 * ports, iMac 2020 and later, Mac mini 2020 and later, Mac Studio 2022 and later, Mac Pro 2019
 * and later), with each model's identifiers from Apple's "Identify your MacBook Pro / MacBook
 * Air / iMac / Mac mini / Mac Pro model" pages. Apple said with Tahoe that it is the last macOS
 * for Intel Macs; when the next release's list is published it replaces this table.
 */
export const CURRENT_MACOS = {
  name: 'Tahoe',
  version: '26',
  /** Identifiers of the older naming scheme that Tahoe supports: the Apple silicon Macs of 2020-2021 and six Intel ones. */
  supported: new Set([
    // Apple silicon
    'MacBookAir10,1', // MacBook Air (M1, 2020)
    'MacBookPro17,1', // MacBook Pro (13-inch, M1, 2020)
    'MacBookPro18,1', // MacBook Pro (16-inch, 2021)
    'MacBookPro18,2', // MacBook Pro (16-inch, 2021)
    'MacBookPro18,3', // MacBook Pro (14-inch, 2021)
    'MacBookPro18,4', // MacBook Pro (14-inch, 2021)
    'iMac21,1', // iMac (24-inch, M1, 2021)
    'iMac21,2', // iMac (24-inch, M1, 2021)
    'Macmini9,1', // Mac mini (M1, 2020)
    // Intel
    'MacBookPro16,1', // MacBook Pro (16-inch, 2019)
    'MacBookPro16,4', // MacBook Pro (16-inch, 2019)
    'MacBookPro16,2', // MacBook Pro (13-inch, 2020, Four Thunderbolt 3 ports)
    'iMac20,1', // iMac (Retina 5K, 27-inch, 2020)
    'iMac20,2', // iMac (Retina 5K, 27-inch, 2020)
    'MacPro7,1', // Mac Pro (2019)
  ]),
} as const;

/**
 * A Mac's model identifier: a family name and two numbers. Every `MacN,M` identifier (the scheme
 * Apple uses since 2022) is an Apple silicon Mac, which Tahoe supports; the older families are
 * closed lists. Virtual Macs (`VirtualMac2,1`) are not Macs to replace.
 */
const MAC_IDENTIFIER = /^(MacBook|MacBookAir|MacBookPro|iMac|iMacPro|Macmini|MacPro|Xserve|Mac)\d+,\d+$/;

/** Whether the current macOS drops this model: true for a Mac it does not support, false otherwise. */
export function currentMacosDrops(model: string): boolean {
  const family = MAC_IDENTIFIER.exec(model.trim())?.[1];
  if (!family || family === 'Mac') return false;
  return !CURRENT_MACOS.supported.has(model.trim());
}
