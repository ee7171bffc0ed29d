import { useId, useState } from 'react';
import type { ScreenResult, ScreenRow } from '../../shared/api/schemas';
import { amountTooltip, formatAmountRounded } from '../format/amount';
import { chainName } from '../format/datasetWords';
import { screenCsv } from '../format/screenCsv';
import { formatCount, shortMiddle } from '../format/text';
import { copyText } from '../panels/CopyButton';
import { fileStamp, saveCsvFile } from '../panels/saveFile';
import { CategorySwatch } from '../panels/IntelSections';
import { useLabelSetsContext } from '../state/labelSets';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { Dialog } from './Dialog';
import { ChainSelect, type ChainOption } from './fields';

/** What the dialog last screened, kept by the app so that it is still there when reopened. */
export interface ScreenMemo {
  text: string;
  chain: string;
  result: ScreenResult | null;
}

export const EMPTY_SCREEN: ScreenMemo = { text: '', chain: '', result: null };

const VERDICTS = ['sanctioned', 'exposed', 'labelled', 'clear', 'invalid'] as const;

/** Rows drawn in the table; a list of 100,000 addresses is read in the CSV, which has every row. */
const SHOWN_ROWS = 2000;

const VERDICT_HINTS: Record<ScreenRow['verdict'], string> = {
  sanctioned: 'A label set lists the address as sanctioned',
  exposed: 'Directly paid by, or paying, a sanctioned or illicit counterparty',
  labelled: 'A label set names the address',
  clear: 'No label, and no direct transfer with a sanctioned or illicit counterparty in the store',
  invalid: 'Not an address Cairn can read (see the reason)',
};

function Verdict({ verdict }: { verdict: ScreenRow['verdict'] }) {
  return (
    <span className={`verdict-chip verdict-${verdict}`} title={VERDICT_HINTS[verdict]} data-testid="screen-verdict">
      {verdict}
    </span>
  );
}

function ResultTable({ rows, onOpenAddress }: { rows: readonly ScreenRow[]; onOpenAddress?: (chain: string, address: string) => void }) {
  return (
    <div className="table-scroll screen-table-wrap">
      <table className="data-table screen-table" data-testid="screen-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              Line
            </th>
            <th scope="col">Address</th>
            <th scope="col">Verdict</th>
            <th scope="col">Labels</th>
            <th scope="col">Exposure</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, SHOWN_ROWS).map((r) => (
            <tr key={r.line} data-testid="screen-row" data-verdict={r.verdict} data-line={r.line} className={`screen-row verdict-row-${r.verdict}`}>
              <td className="num muted">{r.line}</td>
              <td className="screen-address">
                {r.chain && r.address && onOpenAddress ? (
                  <button
                    type="button"
                    className="link mono"
                    title={`${r.display ?? r.address}\n${chainName(r.chain)} (${r.chain})\n(open its details)`}
                    data-address={r.address}
                    onClick={() => onOpenAddress(r.chain!, r.address!)}
                  >
                    {shortMiddle(r.display ?? r.address, 8, 6)}
                  </button>
                ) : (
                  <span className="mono" title={r.display ?? r.input}>
                    {shortMiddle(r.display ?? r.input, 14, 6) || '(empty)'}
                  </span>
                )}
                {r.chain && <div className="muted small">{chainName(r.chain)}</div>}
              </td>
              <td>
                <Verdict verdict={r.verdict} />
              </td>
              <td className="screen-labels">
                {r.labels.map((l, i) => (
                  <div key={i} title={`${l.label}\n${[l.category, l.abuse].filter(Boolean).join(', ')}\nset: ${l.set.title}`}>
                    <CategorySwatch category={l.category} abuse={l.abuse} /> {l.label}
                    {l.abuse && <span className={l.abuse === 'sanction' ? 'chip chip-sanction' : 'chip chip-bad'}>{l.abuse === 'sanction' ? 'sanctioned' : l.abuse.replace(/_/g, ' ')}</span>}
                  </div>
                ))}
              </td>
              <td className="screen-exposure">
                {r.exposure.map((e, i) => {
                  const amount = formatAmountRounded(e.total, e.asset);
                  return (
                    <div key={i} title={`${e.category.replace(/_/g, ' ')} ${e.direction}: ${amountTooltip(amount)}\n${formatCount(e.count)} transfers with ${e.counterparties.map((c) => c.label).join(', ')}`}>
                      <CategorySwatch category={e.category} /> {e.category.replace(/_/g, ' ')} ({e.direction}): <span className="amount">{amount.text}</span>
                    </div>
                  );
                })}
              </td>
              <td className="screen-reason small">{r.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Screening a list of addresses (an exchange's deposit addresses, say): one per line, or
 * "chain,address". Each is answered sanctioned, exposed, labelled, clear or invalid, with its
 * labels, its direct exposure to sanctioned or illicit counterparties and the reason, in a
 * table that saves or copies as CSV.
 */
export function ScreenDialog(props: {
  memo: ScreenMemo;
  onMemo(memo: ScreenMemo): void;
  chains: readonly ChainOption[];
  /** Opens an address of the table (the dialog closes; the table is kept for next time); absent without an open case. */
  onOpenAddress?: (chain: string, address: string) => void;
  onClose(): void;
}) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const { any } = useLabelSetsContext();
  const textId = useId();
  const { text, chain, result } = props.memo;
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const set = (patch: Partial<ScreenMemo>) => props.onMemo({ ...props.memo, ...patch });
  const evmChains = props.chains.filter((c) => c.id.startsWith('eip155:'));
  const counts = result ? VERDICTS.map((v) => [v, result.rows.filter((r) => r.verdict === v).length] as const).filter(([, n]) => n > 0) : [];

  const run = async () => {
    const done = await call(() => client['screen.run']({ text, ...(chain ? { chain } : {}) }));
    if (done.ok) props.onMemo({ text, chain, result: done.value });
    return false;
  };

  return (
    <Dialog
      title="Screen addresses"
      wide
      className="dialog-table"
      testId="screen-dialog"
      submitLabel={result ? 'Run again' : 'Run'}
      submitDisabled={!text.trim()}
      cancelLabel="Close"
      onSubmit={run}
      onCancel={props.onClose}
      onDone={props.onClose}
      footer={
        result ? (
          <>
            <button type="button" onClick={() => saveCsvFile(`cairn-screening-${fileStamp(new Date())}.csv`, screenCsv(result.rows))} data-testid="screen-save">
              Save CSV
            </button>
            <button type="button" onClick={() => void copyText(screenCsv(result.rows)).then((ok) => setCopied(ok ? 'copied' : 'failed'))} data-testid="screen-copy">
              {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy CSV'}
            </button>
          </>
        ) : undefined
      }
    >
      {!any && <p className="warn-note">No label sets are imported: every valid address will come out clear. Import labels first (side panel).</p>}
      <div className="field">
        <label htmlFor={textId}>Addresses (one per line, or chain,address)</label>
        <textarea
          id={textId}
          className="mono"
          rows={Math.min(result ? 6 : 10, Math.max(3, text.split('\n').length))}
          value={text}
          spellCheck={false}
          placeholder={'0x… (Ethereum unless chosen below)\nbc1q…\ntron,T…'}
          onChange={(e) => set({ text: e.target.value })}
          data-testid="screen-input"
        />
      </div>
      <ChainSelect
        label="Chain of EVM addresses (0x…), which fit every EVM chain"
        chains={evmChains}
        value={chain}
        onChange={(c) => set({ chain: c })}
        emptyChoice="Guess from the form (Ethereum for 0x…)"
      />
      {error && (
        <div className="inline-error" role="alert" data-testid="screen-error">
          {error.message}
        </div>
      )}
      {result && (
        <>
          <p className="screen-summary" data-testid="screen-summary">
            {formatCount(result.rows.length)} line{result.rows.length === 1 ? '' : 's'} screened:{' '}
            {counts.map(([v, n], i) => (
              <span key={v}>
                {i > 0 ? ', ' : ''}
                <Verdict verdict={v} /> {formatCount(n)}
              </span>
            ))}
          </p>
          <ResultTable rows={result.rows} onOpenAddress={props.onOpenAddress} />
          {result.rows.length > SHOWN_ROWS && (
            <p className="muted small">
              The table shows the first {formatCount(SHOWN_ROWS)} lines of {formatCount(result.rows.length)}; Save CSV and Copy CSV have every line.
            </p>
          )}
        </>
      )}
    </Dialog>
  );
}
