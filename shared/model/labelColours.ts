/**
 * What a labelled address is, as a colour: a handful of colours tell the services an investigator
 * follows money through apart, and everything illicit (scam, ransomware, a perpetrator…) shares
 * one red. The app's canvas (renderer/graph/labelCategory.ts) and the report's drawing
 * (electron/core/report/graphSvg.ts) both read these, so a printed figure matches the screen.
 */
export const LABEL_COLOUR_KEYS = ['exchange', 'mixing_service', 'bridge', 'defi', 'wallet_service', 'market', 'gambling', 'miner', 'illicit', 'other'] as const;
export type LabelColourKey = (typeof LABEL_COLOUR_KEYS)[number];

/** Fills of labelled nodes; none is a seed role's colour (graphStyle ROLE_COLOURS) or the plain grey. */
export const LABEL_COLOURS: Readonly<Record<LabelColourKey, string>> = {
  exchange: '#3b82c4',
  mixing_service: '#8e5bd0',
  bridge: '#1b9e9a',
  defi: '#3fa34d',
  wallet_service: '#7fb8e6',
  market: '#e07b24',
  gambling: '#d4a20f',
  miner: '#8d6e4f',
  illicit: '#d9534f',
  other: '#b7a98a',
};

/** The border and label mark of a sanctioned address. */
export const SANCTION_COLOUR = '#7a0d0d';

const KEY_WORDS: Record<LabelColourKey, string> = {
  exchange: 'exchange',
  mixing_service: 'mixing service',
  bridge: 'bridge',
  defi: 'DeFi',
  wallet_service: 'wallet service',
  market: 'market',
  gambling: 'gambling',
  miner: 'miner',
  illicit: 'illicit (scam, hack, sanction…)',
  other: 'other label',
};

export function colourKeyWords(key: LabelColourKey): string {
  return KEY_WORDS[key];
}

/** GraphSense concepts and Cairn's categories that name something illicit. */
const ILLICIT = new Set(['perpetrator', 'scam', 'sanction', 'sanctioned', 'phishing', 'ransomware', 'service_hack', 'hack', 'money_laundering', 'extortion', 'theft', 'terrorism', 'darkweb', 'malware']);

/**
 * The colour key of a category (and abuse), or null when there is neither. Matched loosely:
 * packs write `Exchange`, `defi_dex`, `defi_bridge`, `mining_service`, `darknet_market`.
 */
export function colourKeyOf(category: string | null | undefined, abuse: string | null = null): LabelColourKey | null {
  const c = (category ?? '').trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (c) {
    // Illicit first: a darknet market is a market, but what matters is that it is illicit.
    if (ILLICIT.has(c) || c.includes('darknet')) return 'illicit';
    if (c.includes('bridge')) return 'bridge';
    if (c.startsWith('defi') || c === 'dex' || c.includes('lending')) return 'defi';
    if (c.includes('exchange')) return 'exchange';
    if (c.includes('mix') || c.includes('tumbler')) return 'mixing_service';
    if (c.includes('wallet')) return 'wallet_service';
    if (c.includes('market')) return 'market';
    if (c.includes('gambling') || c.includes('casino')) return 'gambling';
    if (c.startsWith('min') || c.includes('mining')) return 'miner';
  }
  if (abuse && abuse.trim()) return 'illicit';
  return c ? 'other' : null;
}

