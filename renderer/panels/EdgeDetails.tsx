import { useEffect, useState } from 'react';
import type { EdgeTransferPage, Graph, GraphEdge } from '../../shared/api/schemas';
import { amountTooltip, formatAmount, formatAmountRounded } from '../format/amount';
import { formatCount, formatUnixUtc } from '../format/text';
import { edgeLabel, entityCount, entityName } from '../graph/toElements';
import { useServices } from '../state/services';
import { CopyButton } from './CopyButton';
import { AddressLink, TxLink } from './LeadLinks';
import { EmptyRow, PageButtons, TimeCell } from './TransferTable';

const PAGE_SIZE = 25;

/** One end of an edge in words: an address node, a member drawn inside an entity, or the entity. */
export function EdgeEnd({ graph, id }: { graph: Graph; id: string }) {
  const node = graph.nodes.find((n) => n.id === id);
  if (node?.kind === 'address') return <AddressLink chain={node.chain} address={node.address} head={10} tail={8} />;
  if (node?.kind === 'entity') return <span className="entity-ref">{entityName(node)} <span className="muted small">(entity, {entityCount(node)})</span></span>;
  for (const n of graph.nodes) {
    if (n.kind !== 'entity') continue;
    const m = n.members.find((x) => x.nodeId === id);
    if (m) return <AddressLink chain={n.chain} address={m.address} display={m.display} head={10} tail={8} />;
  }
  return <>{id}</>;
}

/**
 * An edge of the graph: the transfers it sums, page by page, oldest first, with the exact total
 * they add up to. Both ends lead back to the canvas, every hash to its transaction.
 */
/** An edge's figures in a details list: its exact total (base units to copy), transfer count, first and last time. */
export function EdgeFigures({ edge }: { edge: GraphEdge }) {
  const total = formatAmount(edge.total, edge.asset);
  return (
    <>
        <dt>Total</dt>
        <dd className="edge-total">
          <span className="mono" title={total.title} data-testid="edge-total" data-base-units={edge.total}>
            {total.text}
          </span>
          <CopyButton text={edge.total} label="Copy base units" />
        </dd>
        <dt>Transfers</dt>
        <dd className="num-left">{formatCount(edge.count)}</dd>
        <dt>First</dt>
        <dd className="mono">{formatUnixUtc(edge.firstTime)}</dd>
        <dt>Last</dt>
        <dd className="mono">{formatUnixUtc(edge.lastTime)}</dd>
    </>
  );
}

export function EdgeDetails({ edge, graph }: { edge: GraphEdge; graph: Graph }) {
  const { client, run } = useServices();
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<EdgeTransferPage | null>(null);
  const asset = edge.asset.contract ?? 'native';
  // The edge was summed with the canvas filter, if one is on: the list must be what it summed.
  const filter = graph.filter;

  useEffect(() => {
    let current = true;
    void run(() =>
      client['edge.transfers']({ caseId: graph.caseId, sourceNodeId: edge.source, targetNodeId: edge.target, asset, filter, offset, limit: PAGE_SIZE }),
    ).then((p) => {
      if (current && p) setPage(p);
    });
    return () => {
      current = false;
    };
  }, [client, run, graph.caseId, edge.source, edge.target, asset, filter, offset]);

  const count = page?.total ?? edge.count;
  const first = count === 0 ? 0 : offset + 1;
  const last = Math.min(offset + (page?.items.length ?? 0), count);
  // The store is read afresh for the list; the canvas may predate an import that changed the edge.
  const reconciles = page === null ? null : page.sum === edge.total && page.total === edge.count;

  return (
    <div className="edge-details" data-testid="edge-details">
      <h2>Transfers between two addresses</h2>
      <dl className="facts">
        <dt>From</dt>
        <dd>
          <EdgeEnd graph={graph} id={edge.source} />
        </dd>
        <dt>To</dt>
        <dd>
          <EdgeEnd graph={graph} id={edge.target} />
        </dd>
        <dt>Asset</dt>
        <dd title={edge.asset.contract ?? 'the chain’s native asset'}>
          {edge.asset.symbol ?? 'unknown token'}
          {edge.asset.contract && <span className="mono muted small"> {edge.asset.contract}</span>}
        </dd>
        <dt>On the canvas</dt>
        <dd className="mono" data-testid="edge-label">
          {edgeLabel(edge)}
        </dd>
        <EdgeFigures edge={edge} />
      </dl>
      {filter && (
        <p className="muted small" data-testid="edge-filtered">
          The canvas filter is on: this edge and its list count only the transfers the filter keeps.
        </p>
      )}
      {reconciles === false && (
        <p className="warn-note" data-testid="edge-stale">
          The store now holds {formatCount(page!.total)} transfers summing to {formatAmount(page!.sum, edge.asset).text} here; the canvas will show it when the case is
          reloaded.
        </p>
      )}
      <section className="detail-section" aria-labelledby="edge-transfers-title">
        <div className="section-head">
          <h3 id="edge-transfers-title">Transfers, oldest first</h3>
          <span className="num muted" data-testid="edge-transfer-range">
            {page ? `${formatCount(first)}–${formatCount(last)} of ${formatCount(count)}` : 'loading…'}
          </span>
        </div>
        <div className="table-scroll">
          <table className="data-table transfers" data-testid="edge-transfer-table">
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Tx</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {page?.items.map((row, i) => {
                // Rounded to fit; the exact amount and its base units are in the title, the exact total above.
                const amount = formatAmountRounded(row.value, edge.asset);
                return (
                  <tr key={`${row.txHash}:${offset + i}`}>
                    <TimeCell seconds={row.time} />
                    <td className="num amount" title={amountTooltip(amount) + (row.tokenId === null ? '' : ` (token id ${row.tokenId})`)} data-base-units={row.value}>
                      {amount.text}
                    </td>
                    <td className="mono">
                      <TxLink chain={edge.asset.chain} hash={row.txHash} block={row.block} note={row.kind} />
                    </td>
                    <td className={`status status-${row.status}`} title={row.status === 'unknown' ? 'no receipt imported: the value counts' : undefined}>
                      {row.status === 'success' ? 'ok' : row.status}
                    </td>
                  </tr>
                );
              })}
              {page && page.items.length === 0 && <EmptyRow columns={4}>No transfers between these addresses in this asset.</EmptyRow>}
            </tbody>
          </table>
        </div>
        <div className="pager">
          {page && page.failed > 0 && (
            <span className="muted small pager-note" data-testid="edge-failed">
              {formatCount(page.failed)} failed transfer{page.failed === 1 ? '' : 's'} moved nothing and {page.failed === 1 ? 'is' : 'are'} not counted
            </span>
          )}
          <PageButtons offset={offset} total={count} pageSize={PAGE_SIZE} onOffset={setOffset} />
        </div>
      </section>
    </div>
  );
}
