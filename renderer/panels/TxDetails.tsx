import { useEffect, useState } from 'react';
import type { z } from 'zod';
import type { Graph, TxDetail, TxFlow } from '../../shared/api/schemas';
import type { ChainOption } from '../dialogs/fields';
import { amountTooltip, formatAmount, formatAmountRounded, nativeAssetOf, type AssetShape } from '../format/amount';
import { formatCount, formatUnixUtc } from '../format/text';
import { useServices } from '../state/services';
import { CopyButton } from './CopyButton';
import { AddressLink, TxLink } from './LeadLinks';
import { EmptyRow } from './TransferTable';

type Detail = z.infer<typeof TxDetail>;
type Transfer = Detail['transfers'][number];

/** An amount rounded to fit the table: the exact whole units and base units are in the title. */
function Amount({ value, asset, note }: { value: string | null; asset: AssetShape; note?: string }) {
  if (value === null) {
    return (
      <td className="num amount muted" title="the output this input spends is not in the store yet">
        unknown
      </td>
    );
  }
  const amount = formatAmountRounded(value, asset);
  return (
    <td className="num amount" title={amountTooltip(amount) + (note ?? '')} data-base-units={value}>
      {amount.text}
    </td>
  );
}

function AddressCell({ chain, address, fallback }: { chain: string; address: string | null; fallback: string }) {
  return <td className="mono">{address ? <AddressLink chain={chain} address={address} /> : <span className="muted">{fallback}</span>}</td>;
}

interface PartRow {
  key: string;
  n: string;
  address: string | null;
  fallback: string;
  value: string | null;
  /** Shown instead of "unknown" when a value is null for a reason (a coinbase input). */
  noValue?: string;
  /** The transaction this input spends, or that spent this output. */
  link: { txid: string; n: number } | null;
  noLink: string;
  note?: string;
}

/**
 * Inputs or outputs, one row each (no header row: a row is an input or an output). The last
 * column links on: to the transaction an input spends (←), or that spent an output (→).
 */
function PartsTable(props: { title: string; testId: string; linkHead: string; arrow: string; chain: string; rows: PartRow[]; asset: AssetShape }) {
  return (
    <section className="detail-section">
      <div className="section-head">
        <h3>{props.title}</h3>
        <span className="muted small parts-legend">
          {props.arrow} {props.linkHead.toLowerCase()}
        </span>
        <span className="num muted">{formatCount(props.rows.length)}</span>
      </div>
      <div className="table-scroll">
        <table className="data-table transfers tx-parts" data-testid={props.testId}>
          <tbody>
            {props.rows.map((r) => (
              <tr key={r.key} title={r.note} data-n={r.n}>
                <td className="num muted">{r.n}</td>
                <AddressCell chain={props.chain} address={r.address} fallback={r.fallback} />
                {r.value === null && r.noValue ? <td className="num muted">{r.noValue}</td> : <Amount value={r.value} asset={props.asset} />}
                <td className="mono">
                  {r.link && <span className="muted">{props.arrow} </span>}
                  {r.link ? (
                    <TxLink chain={props.chain} hash={r.link.txid} head={6} tail={4} note={`${props.linkHead.toLowerCase()} ${r.link.txid}:${r.link.n}`} />
                  ) : (
                    <span className="muted small">{r.noLink}</span>
                  )}
                  {r.link && <span className="muted">:{r.link.n}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function assetOfTransfer(t: Transfer): AssetShape {
  return { symbol: t.symbol, decimals: t.decimals, contract: t.asset === 'native' ? null : t.asset };
}

/** Account chains: every value transfer of the transaction, in position order. */
function TransfersTable({ chain, transfers }: { chain: string; transfers: Transfer[] }) {
  return (
    <section className="detail-section">
      <div className="section-head">
        <h3>Transfers</h3>
        <span className="num muted">{formatCount(transfers.length)}</span>
      </div>
      <div className="table-scroll">
        <table className="data-table transfers" data-testid="tx-transfers">
          <thead>
            <tr>
              <th scope="col">From → to</th>
              <th scope="col" className="num">
                Amount
              </th>
            </tr>
          </thead>
          <tbody>
            {transfers.length === 0 && <EmptyRow columns={2}>This transaction moved no value the store records.</EmptyRow>}
            {transfers.map((t, i) => (
              <tr key={i} className={t.status === 'failed' ? 'failed' : undefined} title={`${t.kind} transfer, ${t.status}`}>
                <td className="mono from-to">
                  {t.from ? <AddressLink chain={chain} address={t.from} /> : <span className="muted">—</span>}
                  <span className="muted"> → </span>
                  {t.to ? <AddressLink chain={chain} address={t.to} /> : <span className="muted">—</span>}
                  <span className="muted small kind"> {t.kind}</span>
                </td>
                <Amount
                  value={t.value}
                  asset={assetOfTransfer(t)}
                  note={(t.tokenId === null ? '' : ` (token id ${t.tokenId})`) + (t.status === 'failed' ? ' (failed: no value moved)' : '')}
                />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const sum = (values: readonly string[]): string => values.reduce((s, v) => s + BigInt(v), 0n).toString();

type Disagreement = Detail['conflicts'][number];

const FIELD_WORDS: Readonly<Record<string, string>> = { from: 'sender', to: 'recipient', index: 'position in block', tokenId: 'token id' };

/** What a conflict is about: "value", "recipient of token transfer (log 5)". */
function conflictWhat(c: Disagreement): string {
  const field = FIELD_WORDS[c.field] ?? c.field;
  if (c.transfer === null) return field;
  const where = c.transfer.kind === 'token' ? ` (log ${c.transfer.pos})` : c.transfer.kind === 'internal' ? ` (trace ${c.transfer.pos})` : '';
  return `${field} of ${c.transfer.kind} transfer${where}`;
}

/** One side's value: an amount in its unit, an address to open, a time, or the text as given. */
function ConflictValue({ chain, c, value }: { chain: string; c: Disagreement; value: string }) {
  if (c.field === 'value' && c.unit !== null) {
    const amount = formatAmount(value, { symbol: c.unit.symbol, decimals: c.unit.decimals, contract: null });
    return (
      <span className="mono" title={amount.title}>
        {amount.text}
      </span>
    );
  }
  if (c.field === 'from' || c.field === 'to' || c.field === 'asset') return <AddressLink chain={chain} address={value} />;
  if (c.field === 'time') return <span className="mono">{formatUnixUtc(Number(value))}</span>;
  return <span className="mono">{value}</span>;
}

/**
 * Where two sources disagree about this transaction or its transfers: what the store kept (the
 * first source's value, the one shown above) beside what the other dataset said, both named.
 */
function ConflictsSection({ chain, conflicts }: { chain: string; conflicts: Disagreement[] }) {
  return (
    <section className="detail-section" data-testid="tx-conflicts">
      <div className="section-head">
        <h3>Sources disagree</h3>
        <span className="num muted">{formatCount(conflicts.length)}</span>
      </div>
      <p className="warn-note">
        Another source gives {conflicts.length === 1 ? 'a value' : 'values'} different from the one the store kept (the first source's, shown above). Cairn
        cannot yet make the other value the fact.
      </p>
      <div className="table-scroll">
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">What</th>
              <th scope="col">Kept</th>
              <th scope="col">Other source says</th>
            </tr>
          </thead>
          <tbody>
            {conflicts.map((c, i) => (
              <tr key={i} data-testid="tx-conflict">
                <td>{conflictWhat(c)}</td>
                <td>
                  <ConflictValue chain={chain} c={c} value={c.stored} /> <span className="muted small">dataset #{c.storedDataset}</span>
                </td>
                <td>
                  <ConflictValue chain={chain} c={c} value={c.other} />{' '}
                  <span className="muted small" title={c.source ?? undefined}>
                    dataset #{c.otherDataset}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * A transaction: a tx node of the "Tx nodes" view (flow, what graph.txFlows said at once), or
 * one opened from a link. tx.get gives the rest: every input and output on UTXO chains, each
 * linked to the transaction it spends or that spent it; every transfer on account chains.
 */
export function TxDetails({ chain, txid, flow = null, graph, chains }: { chain: string; txid: string; flow?: TxFlow | null; graph: Graph; chains: readonly ChainOption[] }) {
  const { client } = useServices();
  const [detail, setDetail] = useState<Detail | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setDetail(null);
    setProblem(null);
    // Shown here rather than in the error banner: a link to a transaction the store lacks is a
    // fact about the data (its block was not imported), not a failure.
    client['tx.get']({ chain, hash: txid, caseId: graph.caseId }).then(
      (d) => current && setDetail(d),
      (error: unknown) => current && setProblem(error instanceof Error ? error.message : String(error)),
    );
    return () => {
      current = false;
    };
  }, [client, chain, txid, graph.caseId]);

  const info = chains.find((c) => c.id === chain);
  const chainName = info?.name ?? chain;
  const utxo = detail ? detail.outputs !== undefined : flow !== null;
  const asset = nativeAssetOf(chain);
  const money = (value: string | null | undefined, unknown: string) => (value === null || value === undefined ? unknown : formatAmount(value, asset).text);
  const exact = (value: string | null | undefined) => (value === null || value === undefined ? undefined : formatAmount(value, asset).title);
  const inputs = detail?.inputs ?? [];
  const totalIn = flow ? flow.totalIn : detail && inputs.every((i) => i.value !== null) ? sum(inputs.map((i) => i.value!)) : null;
  const unknownIn = flow ? flow.unknownIn : inputs.filter((i) => i.value === null).length;
  const totalOut = flow ? flow.totalOut : detail?.outputs ? sum(detail.outputs.map((o) => o.value)) : undefined;
  const fee = flow ? flow.fee : detail?.fee;
  const block = flow ? flow.height : (detail?.block ?? null);

  return (
    <div className="tx-details" data-testid="tx-details">
      <h2>Transaction</h2>
      <div className="address-field">
        <input type="text" readOnly className="mono" aria-label="Transaction id" value={txid} onFocus={(e) => e.target.select()} data-testid="tx-txid" />
        <CopyButton text={txid} />
      </div>
      <dl className="facts">
        <dt>Chain</dt>
        <dd title={chain}>{chainName}</dd>
        <dt>{utxo ? 'Height' : 'Block'}</dt>
        <dd className="mono">{detail || flow ? (block ?? (utxo ? 'not on the main chain' : 'unknown')) : '…'}</dd>
        <dt>Time</dt>
        <dd className="mono">{formatUnixUtc(flow ? flow.time : (detail?.time ?? null))}</dd>
        {utxo ? (
          <>
            <dt>Total in</dt>
            <dd className="mono" title={exact(totalIn)} data-testid="tx-total-in">
              {detail?.coinbase ? 'new coins (coinbase)' : money(totalIn, detail || flow ? `unknown (${formatCount(unknownIn)} input${unknownIn === 1 ? '' : 's'} not imported)` : '…')}
            </dd>
            <dt>Total out</dt>
            <dd className="mono" title={exact(totalOut)} data-testid="tx-total-out">
              {money(totalOut, '…')}
            </dd>
            <dt>Fee</dt>
            <dd className="mono" title={exact(fee)} data-testid="tx-fee">
              {money(fee, detail?.coinbase ? '— (coinbase)' : detail || flow ? 'unknown' : '…')}
            </dd>
            {(detail?.coinjoin ?? flow?.coinjoin) && (
              <>
                <dt>CoinJoin</dt>
                <dd data-testid="tx-coinjoin" title="The transaction has a CoinJoin's shape: its inputs are not taken to be one owner's">
                  <strong>{(detail?.coinjoin ?? flow?.coinjoin)!.rule}</strong>: {(detail?.coinjoin ?? flow?.coinjoin)!.detail}
                </dd>
              </>
            )}
          </>
        ) : (
          detail && (
            <>
              <dt>Status</dt>
              <dd data-testid="tx-status">{detail.status}</dd>
              <dt>From</dt>
              <dd>{detail.from ? <AddressLink chain={chain} address={detail.from} head={10} tail={8} /> : '—'}</dd>
              <dt>To</dt>
              <dd>{detail.to ? <AddressLink chain={chain} address={detail.to} head={10} tail={8} /> : '— (contract creation)'}</dd>
            </>
          )
        )}
      </dl>
      {detail && detail.conflicts.length > 0 && <ConflictsSection chain={chain} conflicts={detail.conflicts} />}
      {problem !== null ? (
        <p className="muted" data-testid="tx-problem">
          {problem}
        </p>
      ) : detail === null ? (
        <p className="muted">Loading…</p>
      ) : utxo ? (
        <>
          <PartsTable
            title="Inputs"
            testId="tx-inputs"
            linkHead="Spends"
            arrow="←"
            chain={chain}
            asset={asset}
            rows={inputs.map((i, k) => ({
              key: String(k),
              n: String(k),
              address: i.address,
              fallback: detail.coinbase ? 'coinbase' : 'unknown (spent output not imported)',
              value: detail.coinbase ? null : i.value,
              noValue: detail.coinbase ? '—' : undefined,
              link: i.spends,
              noLink: detail.coinbase ? 'new coins' : '—',
            }))}
          />
          <PartsTable
            title="Outputs"
            testId="tx-outputs"
            linkHead="Spent by"
            arrow="→"
            chain={chain}
            asset={asset}
            rows={(detail.outputs ?? []).map((o) => ({
              key: String(o.n),
              n: String(o.n),
              address: o.address,
              fallback: o.type,
              value: o.value,
              link: o.spentBy,
              noLink: 'unspent here',
              note: `${o.type}${o.spentBy ? `, spent by ${o.spentBy.txid}:${o.spentBy.n}` : ', unspent in the store'}`,
            }))}
          />
        </>
      ) : (
        <TransfersTable chain={chain} transfers={detail.transfers} />
      )}
    </div>
  );
}
