import type { SelectionInfo } from '../state/selection';
import { useCaseReadOnly } from '../state/readOnly';
import { ExposureSection } from './IntelSections';

export function MultiSelectionDetails(props: {
  selection: SelectionInfo;
  caseId: string;
  /** The selected addresses and the members of selected clusters, whose exposure is shown. */
  addressIds: readonly string[];
  onGroup(): void;
  onTag(): void;
  onHide(): void;
  onRemove(): void;
}) {
  const { addresses, more, clusters, txs } = props.selection;
  const readOnly = useCaseReadOnly();
  const parts = [
    addresses.length && `${addresses.length} address${addresses.length === 1 ? '' : 'es'}`,
    clusters.length && `${clusters.length} cluster${clusters.length === 1 ? '' : 's'}`,
    more.length && `${more.length} “more” node${more.length === 1 ? '' : 's'}`,
    txs.length && `${txs.length} transaction${txs.length === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return (
    <div className="multi-details">
      <h2>{addresses.length + more.length + clusters.length + txs.length} selected</h2>
      <p>{parts.join(', ')}</p>
      {!readOnly && (
        <div className="button-row">
          <button type="button" className="primary" onClick={props.onGroup} disabled={addresses.length === 0}>
            Group as cluster…
          </button>
          <button type="button" onClick={props.onTag} disabled={addresses.length + clusters.length === 0}>
            Tag…
          </button>
          <button type="button" onClick={props.onHide}>
            Hide
          </button>
          <button type="button" onClick={props.onRemove}>
            Remove
          </button>
        </div>
      )}
      {props.addressIds.length > 0 && (
        <ExposureSection subject={{ caseId: props.caseId, nodeIds: props.addressIds }} title={`Exposure of ${props.addressIds.length} addresses`} />
      )}
    </div>
  );
}
