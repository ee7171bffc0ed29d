import { useEffect, useId, useRef, useState } from 'react';
import { DEFAULT_STOP_CATEGORIES } from '../../shared/api/traceSchemas';
import { chainName } from '../format/datasetWords';
import { formatCount, shortMiddle } from '../format/text';
import { METHODS } from '../format/traceWords';
import { defaultTraceForm, defaultTraceName, MAX_HOPS_LIMIT, traceSpecOf, type TraceFormField, type TraceFormProblems, type TraceFormValues, type TraceSourceAddress } from '../state/traceForm';
import { useServices } from '../state/services';
import { useDialogCall } from '../state/useDialogCall';
import { useTraceJob } from '../state/useTraceJob';
import { toShownError, type ShownError } from '../state/useOperations';
import { Dialog } from './Dialog';
import { categoryLabel, CheckField } from './fields';
import { TraceProgress } from './TraceProgress';

const SOURCE_WORDS = {
  selection: { list: 'selected addresses', noun: 'addresses' },
  victims: { list: 'victims of the case (nothing is selected)', noun: 'victims' },
} as const;

/** Sources listed by name; a longer list says how many more. */
const LISTED_SOURCES = 50;

function SourceList({ sources, what }: { sources: readonly TraceSourceAddress[]; what: string }) {
  return (
    <section className="trace-sources" aria-label="Sources" data-testid="trace-sources">
      <h3>
        Sources: {formatCount(sources.length)} {what}
      </h3>
      {sources.length === 0 && <p className="field-problem">No victims are seeded and nothing is selected: select the addresses to trace from on the canvas, or add the victims as seeds.</p>}
      <ul className="plain-list trace-source-list" hidden={sources.length === 0}>
        {sources.slice(0, LISTED_SOURCES).map((s) => (
          <li key={`${s.chain}|${s.address}`} title={`${s.display}\n${chainName(s.chain)} (${s.chain})`}>
            <span className="mono">{shortMiddle(s.display, 10, 8)}</span> <span className="muted small">{chainName(s.chain)}</span>
          </li>
        ))}
        {sources.length > LISTED_SOURCES && <li className="muted small">and {formatCount(sources.length - LISTED_SOURCES)} more</li>}
      </ul>
      <p className="hint small">Everything these addresses sent within the window is traced as stolen.</p>
    </section>
  );
}

function Problem({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <span id={id} className="field-problem">
      {text}
    </span>
  ) : null;
}

/** A short field of the limits row; its problem under it. */
function LimitField(props: { label: string; field: TraceFormField; type: 'text' | 'date'; value: string; problems: TraceFormProblems; onChange(v: string): void; hint?: string; placeholder?: string; inputMode?: 'numeric' | 'decimal' }) {
  const id = useId();
  const problemId = useId();
  const problem = props.problems[props.field];
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type={props.type}
        value={props.value}
        inputMode={props.inputMode}
        placeholder={props.placeholder}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={problem ? 'true' : undefined}
        aria-describedby={problem ? problemId : undefined}
        title={props.hint}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <Problem id={problemId} text={problem} />
    </div>
  );
}

/**
 * Tracing from the selected addresses (or the case's victims): the method, the limits and where
 * the trace stops, then Run. The trace runs as a job with a progress bar and Cancel; the result
 * is saved in the case and opens in the trace view. Escape or Cancel while it runs cancels it.
 */
export function TraceDialog(props: {
  caseId: string;
  sources: readonly TraceSourceAddress[];
  /** Where the sources come from: the canvas selection, or the case's victim seeds. */
  sourcesFrom: 'selection' | 'victims';
  onFinished(traceId: number | null): void;
  onClose(): void;
}) {
  const { client } = useServices();
  const { call, error } = useDialogCall();
  const [values, setValues] = useState<TraceFormValues>(defaultTraceForm);
  const [problems, setProblems] = useState<TraceFormProblems>({});
  const [jobId, setJobId] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<ShownError | null>(null);
  const { job, error: pollError } = useTraceJob(jobId);
  const running = jobId !== null && !pollError && (job === null || job.state === 'running');
  const methodName = useId();
  const what = SOURCE_WORDS[props.sourcesFrom];
  const defaultName = defaultTraceName(values.method, props.sources, what.noun);
  const set = (patch: Partial<TraceFormValues>) => setValues((v) => ({ ...v, ...patch }));

  // Done: the saved trace opens in the trace view.
  const finished = useRef(false);
  useEffect(() => {
    if (job?.state !== 'done' || finished.current) return;
    finished.current = true;
    props.onFinished(job.traceId);
  }, [job, props]);

  const run = async () => {
    const checked = traceSpecOf(values, props.sources);
    setProblems(checked.ok ? {} : checked.problems);
    if (!checked.ok) return false;
    setCancelling(false);
    setCancelError(null);
    const name = checked.name || defaultName;
    const started = await call(() => client['trace.start']({ caseId: props.caseId, name, spec: checked.spec }));
    if (started.ok) setJobId(started.value.jobId);
    return false;
  };

  const cancel = async () => {
    if (!jobId) return;
    setCancelling(true);
    try {
      await client['trace.cancel']({ jobId });
    } catch (e) {
      setCancelError(toShownError(e));
      setCancelling(false);
    }
  };

  const stopCategories = new Set(values.stopCategories);
  const toggleCategory = (c: string, on: boolean) => set({ stopCategories: DEFAULT_STOP_CATEGORIES.filter((x) => (x === c ? on : stopCategories.has(x))) });
  const failure = job?.state === 'failed' ? job.error : null;

  return (
    <Dialog
      title="Trace"
      wide
      className="trace-dialog"
      testId="trace-dialog"
      submitLabel={job?.state === 'cancelled' || failure ? 'Run again' : 'Run trace'}
      hideSubmit={running}
      submitDisabled={props.sources.length === 0}
      cancelLabel={running ? 'Cancel trace' : job?.state === 'cancelled' ? 'Close' : 'Cancel'}
      onSubmit={run}
      onCancel={running ? () => void cancel() : props.onClose}
      onDone={props.onClose}
    >
      <SourceList sources={props.sources} what={what.list} />
      <fieldset className="trace-methods" disabled={running}>
        <legend>Method</legend>
        {METHODS.map((m) => (
          <label key={m.method} className="trace-method">
            <input type="radio" name={methodName} value={m.method} checked={values.method === m.method} onChange={() => set({ method: m.method })} />
            <span>
              <strong>{m.name}</strong> <span className="muted">{m.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="trace-limits" disabled={running}>
        <legend>Limits</legend>
        <div className="trace-limit-row">
          <LimitField label="Max hops" field="maxHops" type="text" inputMode="numeric" value={values.maxHops} problems={problems} onChange={(v) => set({ maxHops: v })} hint={`Transfers (Bitcoin: transactions) followed from a source, 1 to ${MAX_HOPS_LIMIT}`} />
          <LimitField label="Since (UTC)" field="since" type="date" value={values.since} problems={problems} onChange={(v) => set({ since: v })} hint="Transfers before this day are not followed (empty: from the start)" />
          <LimitField label="Until (UTC)" field="until" type="date" value={values.until} problems={problems} onChange={(v) => set({ until: v })} hint="Transfers after this day are not followed (empty: to the end of the data)" />
          <LimitField label="Dust threshold" field="minAmount" type="text" inputMode="decimal" placeholder="none" value={values.minAmount} problems={problems} onChange={(v) => set({ minAmount: v })} hint="In each asset's own unit (0.01 = 0.01 ETH, 0.01 USDT): smaller taint is not followed" />
        </div>
      </fieldset>
      <fieldset className="trace-stops" disabled={running}>
        <legend>Stop at labelled services</legend>
        <div className="trace-stop-grid">
          {DEFAULT_STOP_CATEGORIES.map((c) => (
            <CheckField key={c} label={categoryLabel(c)} checked={stopCategories.has(c)} onChange={(on) => toggleCategory(c, on)} />
          ))}
        </div>
        <CheckField label="Unlabelled hubs (addresses with very many counterparties) stop the trace" checked={values.hubs} onChange={(hubs) => set({ hubs })} testId="trace-hubs" />
      </fieldset>
      <LimitField label="Name (kept with the saved trace)" field="name" type="text" value={values.name} problems={problems} placeholder={defaultName} onChange={(v) => set({ name: v })} />
      {jobId && running && <TraceProgress job={job} cancelling={cancelling} />}
      {job?.state === 'cancelled' && (
        <p className="note-box" role="status" data-testid="trace-cancelled">
          The trace was cancelled; nothing was saved.
        </p>
      )}
      {(error ?? cancelError ?? pollError ?? failure) && (
        <div className="inline-error" role="alert" data-testid="trace-error">
          {failure ? `The trace failed (${failure.kind}): ${failure.message}` : (error ?? cancelError ?? pollError)!.message}
        </div>
      )}
    </Dialog>
  );
}
