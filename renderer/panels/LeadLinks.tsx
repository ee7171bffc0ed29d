/**
 * Addresses and transaction hashes in tables and panels, as links that lead somewhere: an
 * address on the canvas is selected there, any other opens in the details panel (with "Add to
 * canvas"); a hash opens its transaction.
 */
import { displayAddress } from '../../shared/codec/address';
import { shortMiddle } from '../format/text';
import { useInspectorContext } from '../state/inspector';

function displayOf(chain: string, address: string): string {
  try {
    return displayAddress(chain, address);
  } catch {
    // A chain this renderer does not know: the stored form is still exact.
    return address;
  }
}

export function AddressLink(props: { chain: string; address: string; display?: string | null; head?: number; tail?: number }) {
  const inspector = useInspectorContext();
  const display = props.display ?? displayOf(props.chain, props.address);
  const state = inspector.canvasState(props.chain, props.address);
  const where = !state ? 'not on the canvas: open its details' : state.hidden ? 'hidden on the canvas: open its details' : 'on the canvas: select it';
  return (
    <button
      type="button"
      className={`link mono lead-link${state && !state.hidden ? ' on-canvas' : ''}`}
      title={`${display}\n(${where})`}
      data-address={props.address}
      onClick={() => inspector.openAddress(props.chain, props.address)}
    >
      {shortMiddle(display, props.head ?? 6, props.tail ?? 4)}
    </button>
  );
}

export function TxLink(props: { chain: string; hash: string; block?: number | null; note?: string; head?: number; tail?: number }) {
  const inspector = useInspectorContext();
  const at = props.block === null || props.block === undefined ? '' : ` (block ${props.block})`;
  return (
    <button
      type="button"
      className="link mono lead-link"
      title={`${props.hash}${at}${props.note ? ` · ${props.note}` : ''}\n(open the transaction)`}
      data-txid={props.hash}
      onClick={() => inspector.openTx(props.chain, props.hash)}
    >
      {shortMiddle(props.hash, props.head ?? 6, props.tail ?? 4)}
    </button>
  );
}
