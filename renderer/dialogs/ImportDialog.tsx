import { useEffect, useRef, useState } from 'react';
import { useServices } from '../state/services';
import { useJob } from '../state/useJob';
import { Dialog } from './Dialog';
import { FileBrowser } from './FileBrowser';
import { ImportProgress } from './ImportProgress';
import { ImportReview } from './ImportReview';
import { ImportSummaries } from './ImportSummary';
import { ChainSelect, PathsField, TextField, type ChainOption } from './fields';

function pathsOf(text: string): string[] {
  return [...new Set(text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean))];
}

/**
 * Picks files, starts `import.start` with review, follows the job, shows what it found and
 * commits it only when the investigator says so, then reports the outcome. Closing the dialog
 * does not stop a running import (only "Cancel import" does), but discards one in review:
 * an import waiting for an answer holds the store's write lock.
 */
export function ImportDialog(props: { chains: readonly ChainOption[]; onFinished(): void; onClose(): void }) {
  const { client, run } = useServices();
  const [text, setText] = useState('');
  // Empty = detect: Bitcoin block files name their network; ethereum-etl CSV defaults to Ethereum.
  const [chain, setChain] = useState<string>('');
  // Etherscan-family exports only, when their rows do not show whose history they are.
  const [address, setAddress] = useState('');
  const [jobId, setJobId] = useState<string | null>(null);
  const job = useJob(jobId);
  const reported = useRef<string | null>(null);
  const paths = pathsOf(text);

  useEffect(() => {
    if (job?.state === 'done' && reported.current !== job.id) {
      reported.current = job.id;
      props.onFinished();
    }
  }, [job, props]);

  const start = async () => {
    const started = await run(() =>
      client['import.start']({ paths, review: true, ...(chain ? { chain } : {}), ...(address.trim() ? { address: address.trim() } : {}) }),
    );
    if (started) setJobId(started.jobId);
    return false;
  };

  const cancelJob = () => {
    if (jobId) void run(() => client['job.cancel']({ jobId }));
  };

  const commitJob = () => {
    if (jobId) void run(() => client['import.commit']({ jobId }));
  };

  const close = () => {
    if (job?.state === 'review') cancelJob();
    props.onClose();
  };

  const addPath = (path: string) => {
    if (!paths.includes(path)) setText((t) => (t.trim() ? `${t.replace(/\s+$/, '')}\n${path}` : path));
  };

  const running = jobId !== null && (job === null || job.state === 'running');
  const inReview = job?.state === 'review';
  const finished = job !== null && !running && !inReview;
  // A mixed import commits one dataset per part; older back ends name only the one.
  const committed = job?.datasets ?? (job?.dataset ? [job.dataset] : []);

  return (
    <Dialog
      title="Import data"
      wide
      testId="import-dialog"
      submitLabel="Start"
      hideSubmit={jobId !== null}
      submitDisabled={paths.length === 0}
      cancelLabel={jobId === null ? 'Cancel' : 'Close'}
      onSubmit={start}
      onCancel={close}
      onDone={close}
      footer={
        <>
          {running && (
            <button type="button" className="danger" onClick={cancelJob}>
              Cancel import
            </button>
          )}
          {inReview && (
            <>
              <button type="button" onClick={cancelJob}>
                Discard
              </button>
              <button type="button" className="primary" onClick={commitJob}>
                Commit
              </button>
            </>
          )}
          {finished && (
            <button
              type="button"
              onClick={() => {
                setJobId(null);
                setText('');
              }}
            >
              Import more…
            </button>
          )}
        </>
      }
    >
      {jobId === null ? (
        <>
          <p className="hint" data-testid="import-explainer">
            Cairn reads and checks the files, then shows what it found; nothing is kept until you commit. Files of several formats
            (Bitcoin blocks with an ethereum-etl folder, say) become one dataset each, committed together or not at all.
          </p>
          <PathsField rows={4} value={text} placeholder="/data/ethereum-etl/transactions.csv (one path per line)" onChange={setText} />
          <FileBrowser onPick={addPath} />
          <ChainSelect
            label="Chain"
            chains={props.chains}
            value={chain}
            onChange={setChain}
            emptyChoice="Detect: Bitcoin blocks name their network; other files are Ethereum"
          />
          <p className="field-hint chain-hint">
            Bitcoin block files name their network. The chain chosen here is that of ethereum-etl, tronetl and explorer files (Tron for a
            tronetl export), or of raw blocks from a test network.
          </p>
          <TextField
            label="Whose export (Etherscan-family files, if the rows do not tell)"
            value={address}
            onChange={setAddress}
            mono
            maxLength={200}
            placeholder="0x… (optional)"
          />
        </>
      ) : (
        <>
          {inReview && job.preview ? <ImportReview preview={job.preview} /> : <ImportProgress job={job} />}
          {job?.state === 'done' && committed.length > 0 && <ImportSummaries datasets={committed} />}
          {job?.state === 'done' && committed.length === 0 && (
            <p data-testid="import-summary" className="pre-line">
              Nothing new was committed: {job.message || 'the import added nothing.'}
            </p>
          )}
          {job?.state === 'failed' && (
            <div className="inline-error" role="alert" data-testid="import-error">
              {job.error?.message ?? job.message}
            </div>
          )}
          {job?.state === 'cancelled' && <p>{/discarded/.test(job.message) ? 'Import discarded; nothing was kept.' : 'Import cancelled.'}</p>}
        </>
      )}
    </Dialog>
  );
}
