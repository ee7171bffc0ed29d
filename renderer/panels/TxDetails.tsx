import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { Graph, TxDetail, TxFlow } from '../../shared/api/schemas';
import type { ChainOption } from '../dialogs/fields';
import { formatAmount, nativeAssetOf, type AssetShape } from '../format/amount';
import { formatCount, formatUnixUtc, shortMiddle } from '../format/text';
import { useServices } from '../state/services';
import { CopyButton } from './CopyButton';

type Detail = z.infer<typeof TxDetail>;

/** An exact amount: whole units shown, base units in the title. */
function Amount({ value, asset }: { value: string | null; asset: AssetShape }) {
  if (value === null) {
    return (
      <td className="num amount muted" title="the output this input spends is not in the store yet">
        unknown
      </td>
    );
  }
  const amount = formatAmount(value, asset);
  return (
    <td className="num amount" title={amount.title}>
      {amount.text}
    </td>
  );
}

function AddressCell({ address, fallback, onCanvas }: { address: string | null; fallback: string; onCanvas: boolean }) {
  const text = address ?? fallback;
  return (
    <td className={`mono${onCanvas ? ' on-canvas' : ''}`} title={onCanvas ? `${text} (on the canvas)` : text}>
      {shortMiddle(text, 8, 6)}
    </td>
  );
}

function PartsTable(props: { title: string; testId: string; rows: { key: string; n: string; address: string | null; fallback: string; value: string | null; note?: string }[]; asset: AssetShape; canvas: ReadonlySet<string> }) {
  return (
    <section className="detail-section">
      <div className="section-head">
        <h3>{props.title}</h3>
        <span className="num muted">{formatCount(props.rows.length)}</span>
      </div>
      <div className="table-scroll">
        <table className="data-table transfers" data-testid={props.testId}>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.key} title={r.note}>
                <td className="num muted">{r.n}</td>
                <AddressCell address={r.address} fallback={r.fallback} onCanvas={r.address !== null && props.canvas.has(r.address)} />
                <Amount value={r.value} asset={props.asset} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** A transaction of the "Tx nodes" view: what graph.txFlows said at once, every input and output from tx.get. */
export function TxDetails({ flow, graph, chains }: { flow: TxFlow; graph: Graph; chains: readonly ChainOption[] }) {
  const { client, run } = useServices();
  const [detail, setDetail] = useState<Detail | null>(null);

  useEffect(() => {
    let current = true;
    setDetail(null);
    void run(() => client['tx.get']({ chain: flow.chain, hash: flow.txid, caseId: graph.caseId })).then((d) => {
      if (current && d) setDetail(d);
    });
    return () => {
      current = false;
    };
  }, [client, run, flow.chain, flow.txid, graph.caseId]);

  const asset = nativeAssetOf(flow.chain);
  const chainName = chains.find((c) => c.id === flow.chain)?.name ?? flow.chain;
  const canvas = new Set(graph.nodes.flatMap((n) => (n.kind === 'address' && n.chain === flow.chain ? [n.address] : [])));
  const money = (value: string | null, unknown: string) => (value === null ? unknown : formatAmount(value, asset).text);
  const exact = (value: string | null) => (value === null ? undefined : formatAmount(value, asset).title);

  return (
    <div className="tx-details" data-testid="tx-details">
      <h2>Transaction</h2>
      <div className="address-field">
        <input type="text" readOnly className="mono" aria-label="Transaction id" value={flow.txid} onFocus={(e) => e.target.select()} data-testid="tx-txid" />
        <CopyButton text={flow.txid} />
      </div>
      <dl className="facts">
        <dt>Chain</dt>
        <dd title={flow.chain}>{chainName}</dd>
        <dt>Height</dt>
        <dd className="mono">{flow.height ?? 'not on the main chain'}</dd>
        <dt>Time</dt>
        <dd className="mono">{formatUnixUtc(flow.time)}</dd>
        <dt>Total in</dt>
        <dd className="mono" title={exact(flow.totalIn)} data-testid="tx-total-in">
          {money(flow.totalIn, `unknown (${formatCount(flow.unknownIn)} input${flow.unknownIn === 1 ? '' : 's'} not imported)`)}
        </dd>
        <dt>Total out</dt>
        <dd className="mono" title={exact(flow.totalOut)} data-testid="tx-total-out">
          {money(flow.totalOut, '')}
        </dd>
        <dt>Fee</dt>
        <dd className="mono" title={exact(flow.fee)} data-testid="tx-fee">
          {money(flow.fee, 'unknown')}
        </dd>
      </dl>
      {detail === null ? (
        <p className="muted">Loading inputs and outputs…</p>
      ) : (
        <>
          <PartsTable
            title="Inputs"
            testId="tx-inputs"
            asset={asset}
            canvas={canvas}
            rows={(detail.inputs ?? []).map((i, k) => ({
              key: String(k),
              n: String(k),
              address: i.address,
              fallback: 'unknown (spent output not imported)',
              value: i.value,
              note: i.spends ? `spends ${i.spends.txid}:${i.spends.n}` : undefined,
            }))}
          />
          <PartsTable
            title="Outputs"
            testId="tx-outputs"
            asset={asset}
            canvas={canvas}
            rows={(detail.outputs ?? []).map((o) => ({
              key: String(o.n),
              n: String(o.n),
              address: o.address,
              fallback: o.type,
              value: o.value,
              note: `${o.type}${o.spentBy ? `, spent by ${o.spentBy.txid}:${o.spentBy.n}` : ', unspent in the store'}`,
            }))}
          />
        </>
      )}
    </div>
  );
}
