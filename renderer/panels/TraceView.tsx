/**
 * The trace view, switched to from the top bar (Traces): the case's saved traces and its
 * cross-chain links on the left; the open trace on the right: its totals per asset (reconciled
 * to the base unit), its drawing left to right by hop or by time, and the table of endpoints
 * with the value still moving at the limits apart. It lies over the case's canvas, which stays
 * as it was underneath.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { SavedTrace, TraceEndpoint } from '../../shared/api/traceSchemas';
import { TraceProgress } from '../dialogs/TraceProgress';
import { chainName } from '../format/datasetWords';
import { formatCount, formatIsoDate } from '../format/text';
import { traceCsv } from '../format/traceCsv';
import { methodName } from '../format/traceWords';
import { TraceCanvas } from '../graph/TraceCanvas';
import { DEFAULT_DRAW_LIMIT, pathAddresses, traceElements, traceNodeId, type TraceLayoutBy, type TraceNodeData } from '../graph/traceElements';
import { useServices } from '../state/services';
import { endpointKey } from '../state/traceTable';
import { useDialogCall } from '../state/useDialogCall';
import { useTraceJob } from '../state/useTraceJob';
import type { Traces, TraceSummary } from '../state/useTraces';
import { copyText } from './CopyButton';
import { LinksPanel } from './LinksPanel';
import { fileStamp, saveCsvFile } from './saveFile';
import { TraceEndpointTable } from './TraceEndpoints';
import { TraceList } from './TraceList';
import { TraceTotals } from './TraceTotals';

/** Addresses a hop the drawing may show: a readable default, and more on request (1,000 in all at most). */
const PER_HOP = [DEFAULT_DRAW_LIMIT.perHop, 10, 30, 1000] as const;

export interface EndpointOnCanvas {
  endpoint: TraceEndpoint;
  /** The addresses from a source to the endpoint, the endpoint last. */
  path: { chain: string; address: string }[];
}

function fileName(t: SavedTrace): string {
  const slug = t.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || `trace-${t.id}`;
  return `cairn-${slug}-endpoints-${fileStamp(new Date())}.csv`;
}

function TraceHead(props: { trace: SavedTrace; readOnly: boolean; onRerun(): void; rerunning: boolean }) {
  const { trace } = props;
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const sources = trace.result.sources;
  const chains = [...new Set(sources.map((s) => chainName(s.chain)))].join(', ');
  return (
    <header className="trace-head">
      <div className="trace-title">
        <h2 data-testid="trace-title">{trace.name || `Trace #${trace.id}`}</h2>
        <div className="muted small">
          {trace.result.unknownInputs.length > 0 && (
            <span className="chip chip-warn" title={`Inputs whose spent outputs the store does not hold: reported, never counted as zero.\n${trace.result.unknownInputs.slice(0, 20).map((u) => `${u.tx}: ${u.note}`).join('\n')}`} data-testid="trace-unknown-inputs">
              {formatCount(trace.result.unknownInputs.length)} unknown input{trace.result.unknownInputs.length === 1 ? '' : 's'}
            </span>
          )}{' '}
          <span className="chip">{methodName(trace.spec.method)}</span> {formatCount(trace.spec.sources.length)} source{trace.spec.sources.length === 1 ? '' : 's'} ({chains || 'no transfers out'}) · up to {trace.spec.maxHops} hops ·{' '}
          {formatCount(trace.result.addressesFollowed)} addresses followed · saved {formatIsoDate(trace.createdAt)} by {trace.createdBy}
        </div>
      </div>
      <span className="spacer" />
      <button type="button" onClick={() => saveCsvFile(fileName(trace), traceCsv(trace.result))} data-testid="trace-save-csv" title="Every endpoint and every row still moving, exact amounts, as CSV">
        Save CSV
      </button>
      <button type="button" onClick={() => void copyText(traceCsv(trace.result)).then((ok) => setCopied(ok ? 'copied' : 'failed'))}>
        {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy CSV'}
      </button>
      <button type="button" onClick={props.onRerun} disabled={props.readOnly || props.rerunning} title="Run this trace again on the store as it is now (with the case's confirmed links); the new result is saved beside this one">
        Run again
      </button>
    </header>
  );
}

function Drawing({ trace, highlight, onPick }: { trace: SavedTrace; highlight: readonly string[]; onPick(node: TraceNodeData): void }) {
  const [by, setBy] = useState<TraceLayoutBy>('hop');
  const [perHop, setPerHop] = useState<number>(DEFAULT_DRAW_LIMIT.perHop);
  const drawing = useMemo(() => traceElements(trace.result, { by, limit: { ...DEFAULT_DRAW_LIMIT, perHop } }), [trace, by, perHop]);
  return (
    <div className="trace-drawing">
      <TraceCanvas elements={drawing.elements} highlight={highlight} onPick={onPick}>
        <div className="segmented" role="group" aria-label="Lay out the drawing">
          <button type="button" aria-pressed={by === 'hop'} onClick={() => setBy('hop')}>
            By hop
          </button>
          <button type="button" aria-pressed={by === 'time'} onClick={() => setBy('time')}>
            By time
          </button>
        </div>
        <label className="small nowrap">
          Show{' '}
          <select value={perHop} onChange={(e) => setPerHop(Number(e.target.value))} aria-label="Addresses drawn a hop at most">
            {PER_HOP.map((n) => (
              <option key={n} value={n}>
                {n === 1000 ? 'every address (up to 1,000)' : `${n} addresses a hop`}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small" data-testid="trace-drawn">
          {drawing.nodes < drawing.totalNodes
            ? `${formatCount(drawing.nodes)} of ${formatCount(drawing.totalNodes)} addresses: the largest flows`
            : `${formatCount(drawing.nodes)} addresses, ${formatCount(drawing.flows)} flows`}
          {trace.result.transfersTotal > trace.result.transfers.length ? ` (of the ${formatCount(trace.result.transfers.length)} largest of ${formatCount(trace.result.transfersTotal)} transfers)` : ''}
        </span>
        <span className="spacer" />
        <span className="trace-key small muted nowrap" title="Endpoints are filled with their label category's colour, as on the canvas">
          <span className="key-source" /> source <span className="key-endpoint" /> endpoint <span className="key-moving" /> still moving
        </span>
      </TraceCanvas>
    </div>
  );
}

function OpenTrace(props: { trace: SavedTrace; readOnly: boolean; onShowOnCanvas(e: EndpointOnCanvas): void; onRerun(): void; rerunning: boolean }) {
  const { trace } = props;
  const [selected, setSelected] = useState<TraceEndpoint | null>(null);
  useEffect(() => setSelected(null), [trace]);
  const assetOrder = useMemo(() => trace.result.totals.map((t) => t.asset.id), [trace]);
  const highlight = useMemo(() => (selected ? pathAddresses(trace.result, selected).map((p) => traceNodeId(p.chain, p.address)) : []), [trace, selected]);
  const select = (e: TraceEndpoint) => setSelected((s) => (s && endpointKey(s) === endpointKey(e) ? null : e));
  const pick = (node: TraceNodeData) => {
    const e = [...trace.result.endpoints, ...trace.result.unresolved].filter((x) => x.chain === node.chain && x.address === node.address).sort((a, b) => b.share - a.share)[0];
    if (e) setSelected(e);
  };
  const show = (e: TraceEndpoint) => props.onShowOnCanvas({ endpoint: e, path: pathAddresses(trace.result, e) });
  const { unresolved, endpoints } = trace.result;
  return (
    <>
      <TraceHead trace={trace} readOnly={props.readOnly} onRerun={props.onRerun} rerunning={props.rerunning} />
      <TraceTotals totals={trace.result.totals} method={trace.spec.method} />
      <Drawing trace={trace} highlight={highlight} onPick={pick} />
      <div className="trace-tables">
        <TraceEndpointTable
          rows={endpoints}
          assetOrder={assetOrder}
          caption={`Endpoints (${formatCount(endpoints.length)}): where traced value came to rest or reached a stop. Click a row for its path; the address shows it on the canvas.`}
          testId="trace-endpoints"
          selectedKey={selected ? endpointKey(selected) : null}
          onSelect={select}
          onShowOnCanvas={show}
        />
        <TraceEndpointTable
          rows={unresolved}
          assetOrder={assetOrder}
          caption={`Still moving at the limits (${formatCount(unresolved.length)}): past the hop limit, after the window, dust, or on a chain not followed.`}
          testId="trace-unresolved"
          selectedKey={selected ? endpointKey(selected) : null}
          onSelect={select}
          onShowOnCanvas={show}
        />
      </div>
    </>
  );
}

export function TraceView(props: {
  caseId: string;
  traces: Traces;
  readOnly: boolean;
  onNewTrace(): void;
  onBack(): void;
  onShowOnCanvas(e: EndpointOnCanvas): void;
  /** The case changed (a link, a removal): read the graph so Undo offers it. */
  onCaseChanged(): void;
  onUndo(): void;
  /** Shows the laundering steps read from the case's saved traces (the storyline). */
  onLaunderingSteps?(): void;
}) {
  const { traces } = props;
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const [removed, setRemoved] = useState<TraceSummary | null>(null);
  const [rerunJob, setRerunJob] = useState<string | null>(null);
  const { job, error: pollError } = useTraceJob(rerunJob);
  const rerunning = rerunJob !== null && !pollError && (job === null || job.state === 'running');
  const open = traces.open;

  // A finished re-run opens its new result, once.
  const adopted = useRef<string | null>(null);
  useEffect(() => {
    if (job?.state !== 'done' || adopted.current === job.id) return;
    adopted.current = job.id;
    traces.adopt(job.traceId);
  }, [job, traces]);

  const rerun = async () => {
    if (open?.state !== 'done') return;
    const started = await call(() => client['trace.rerun']({ caseId: props.caseId, traceId: open.value.id }));
    if (started.ok) setRerunJob(started.value.jobId);
  };
  const remove = async (t: TraceSummary) => {
    if (await traces.remove(t.id)) setRemoved(t);
  };

  return (
    <div className="trace-view" data-testid="trace-view">
      <aside className="trace-side" aria-label="Traces and links">
        <div className="trace-side-head">
          <button type="button" onClick={props.onBack} title="Back to the case's canvas (Escape)">
            ← Canvas
          </button>
          <h2>Traces</h2>
          <span className="spacer" />
          <button type="button" className="primary" onClick={props.onNewTrace} disabled={props.readOnly}>
            Trace…
          </button>
        </div>
        {removed && (
          <p className="note-box small" role="status">
            Removed “{removed.name}”.{' '}
            <button
              type="button"
              className="link"
              onClick={() => {
                setRemoved(null);
                props.onUndo();
              }}
            >
              Undo
            </button>
          </p>
        )}
        {traces.list.state === 'failed' && <p className="inline-error small">{traces.list.message}</p>}
        {traces.list.state === 'loading' && <p className="muted small">Loading…</p>}
        {traces.list.state === 'done' && <TraceList traces={traces.list.value} openId={traces.openId} readOnly={props.readOnly} onOpen={traces.setOpenId} onRemove={(t) => void remove(t)} />}
        {props.onLaunderingSteps && (
          <p className="small trace-steps-link">
            <button type="button" className="link" onClick={props.onLaunderingSteps} title="The laundering steps read from the case’s saved traces, as a timeline">
              Laundering steps
            </button>{' '}
            <span className="muted">read from the saved traces</span>
          </p>
        )}
        <LinksPanel caseId={props.caseId} readOnly={props.readOnly} onChanged={props.onCaseChanged} />
      </aside>
      <section className="trace-main" aria-label="Open trace">
        {rerunJob && rerunning && <TraceProgress job={job} cancelling={false} onCancel={() => void client['trace.cancel']({ jobId: rerunJob }).catch(() => undefined)} />}
        {(error ?? pollError) && (
          <div className="inline-error" role="alert">
            {(error ?? pollError)!.message}
          </div>
        )}
        {job?.state === 'cancelled' && <p className="note-box small">The re-run was cancelled; nothing was saved.</p>}
        {job?.state === 'failed' && job.error && (
          <div className="inline-error" role="alert">
            The trace failed ({job.error.kind}): {job.error.message}
          </div>
        )}
        {open === null && <p className="muted trace-empty">{traces.list.state === 'done' && traces.list.value.length === 0 ? 'No trace in this case yet. Trace… runs one from the selected addresses, or from the victims.' : 'Choose a trace on the left.'}</p>}
        {open?.state === 'loading' && <p className="muted trace-empty">Loading the trace…</p>}
        {open?.state === 'failed' && <p className="inline-error">{open.message}</p>}
        {open?.state === 'done' && <OpenTrace key={open.value.id} trace={open.value} readOnly={props.readOnly} onShowOnCanvas={props.onShowOnCanvas} onRerun={() => void rerun()} rerunning={rerunning} />}
      </section>
    </div>
  );
}
