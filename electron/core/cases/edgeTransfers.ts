import { ApiError } from '../../../shared/api/contract';
import type { EdgeTransferPage, FlowFilter } from '../../../shared/api/schemas';
import { resolveChain } from '../../../shared/model/chains';
import { edgeTransfers } from '../store/addressQueries';
import { getAssets } from '../store/assets';
import { findAddressId } from '../store/addresses';
import { findChainId } from '../store/chains';
import type { Db } from '../store/openStore';
import type { CaseFile } from './caseFiles';

function addressOfNode(c: CaseFile, key: string): { chain: string; addr: string } {
  const row = /^n[0-9]+$/.test(key)
    ? (c.db.prepare("SELECT chain, addr FROM node WHERE id = ? AND kind = 'address'").get(Number(key.slice(1))) as { chain: string; addr: string } | undefined)
    : undefined;
  if (!row) throw new ApiError('not_found', `no address node ${key} in case "${c.id}"`);
  return row;
}

/**
 * The transfers behind the edge source → target in one asset, as the case's graph draws it:
 * the nodes name the addresses, `facts` (the store, or a received case's evidence) holds what
 * moved between them. asset is "native" or the token contract as the edge's asset names it.
 * With the canvas filter the edge was summed with, the list is what that filtered edge sums.
 */
export function transfersOfEdge(
  facts: Db,
  c: CaseFile,
  source: string,
  target: string,
  asset: string,
  offset: number,
  limit: number,
  filter?: FlowFilter,
): EdgeTransferPage {
  const from = addressOfNode(c, source);
  const to = addressOfNode(c, target);
  const chain = resolveChain(from.chain);
  if (from.chain !== to.chain) {
    throw new ApiError('invalid_argument', `${source} is on ${chain.name} and ${target} on ${resolveChain(to.chain).name}: no edge joins addresses on two chains`);
  }
  const chainId = findChainId(facts, chain.id);
  const contract = asset === 'native' ? '' : asset;
  const assetRow =
    chainId === null ? undefined : (facts.prepare('SELECT id FROM asset WHERE chain_id = ? AND contract = ?').pluck().get(chainId, contract) as number | undefined);
  if (chainId === null || assetRow === undefined) {
    throw new ApiError('not_found', `no asset ${asset === 'native' ? `native to ${chain.name}` : asset} is known on ${chain.name} in the facts of case "${c.id}"`);
  }
  const base = { chain: chain.id, from: from.addr, to: to.addr, asset: getAssets(facts, [assetRow]).get(assetRow)!, offset };
  const fromId = findAddressId(facts, chainId, from.addr);
  const toId = findAddressId(facts, chainId, to.addr);
  // A filter on another asset keeps none of this edge's transfers.
  if (fromId === null || toId === null || (filter?.assetId != null && filter.assetId !== assetRow)) {
    return { ...base, total: 0, sum: '0', firstTime: null, lastTime: null, failed: 0, items: [] };
  }
  const window = filter ? { from: filter.from, to: filter.to, minAmount: filter.minAmount === null ? null : BigInt(filter.minAmount) } : null;
  const page = edgeTransfers(facts, fromId, toId, assetRow, offset, limit, window);
  return {
    ...base,
    total: page.total,
    sum: page.sum.toString(),
    firstTime: page.firstTime,
    lastTime: page.lastTime,
    failed: page.failed,
    items: page.items.map((t) => ({ ...t, value: t.value.toString() })),
  };
}
