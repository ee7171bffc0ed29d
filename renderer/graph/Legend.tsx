/**
 * What the canvas's colours, shapes and lines mean, drawn with the same colours as graphStyle.
 * Shown and hidden with the Legend button or L; lists the case's clusters by their colours and
 * the label categories on the canvas, with the sanctioned mark.
 */
import type { ReactNode } from 'react';
import type { GraphCluster } from '../../shared/api/schemas';
import { EDGE_COLOURS, ENTITY_FILL, ROLE_COLOURS, ROLE_FILLS, TX_COLOUR, WALLET_COLOUR } from './graphStyle';
import { colourKeyWords, LABEL_COLOURS, SANCTION_COLOUR, type LabelColourKey } from './labelCategory';
import { SANCTION_PREFIX } from './labelDetail';

const ROLES = ['victim', 'suspect', 'service', 'other'] as const;

function Swatch({ children }: { children: ReactNode }) {
  return (
    <svg className="legend-swatch" viewBox="0 0 28 16" width="28" height="16" aria-hidden="true">
      {children}
    </svg>
  );
}

function Line(props: { colour: string; dashed?: boolean; width?: number; arrow?: boolean }) {
  return (
    <Swatch>
      <line x1="2" y1="8" x2={props.arrow === false ? 26 : 21} y2="8" stroke={props.colour} strokeWidth={props.width ?? 2} strokeDasharray={props.dashed ? '4 3' : undefined} />
      {props.arrow !== false && <path d="M20 4.5 L26 8 L20 11.5 Z" fill={props.colour} />}
    </Swatch>
  );
}

export function Legend(props: {
  clusters: readonly GraphCluster[];
  /** Label categories of the visible address nodes (labelKeysIn). */
  labelKeys: readonly LabelColourKey[];
  onClose(): void;
}) {
  return (
    <section className="legend" aria-label="Legend" data-testid="legend">
      <div className="legend-head">
        <h2>Legend</h2>
        <button type="button" className="small" onClick={props.onClose} aria-label="Close" title="Hide the legend (L)">
          ×
        </button>
      </div>
      <div className="legend-columns">
        <ul className="legend-list" aria-label="Seeds">
          {ROLES.map((role) => (
            <li key={role}>
              <Swatch>
                <circle cx="14" cy="8" r="5.5" fill={ROLE_FILLS[role]} stroke={role === 'suspect' ? '#000' : ROLE_COLOURS[role]} strokeWidth="2.5" />
              </Swatch>
              {role} seed
            </li>
          ))}
          <li>
            <Swatch>
              <circle cx="14" cy="8" r="5" fill="#8b949e" stroke="#57606a" />
            </Swatch>
            address
          </li>
          <li>
            <Swatch>
              <circle cx="14" cy="8" r="5" fill="#d0d7de" stroke="#57606a" strokeDasharray="1.5 1.5" />
            </Swatch>
            not in the store
          </li>
          <li>
            <Swatch>
              <circle cx="14" cy="8" r="7" fill="none" stroke={WALLET_COLOUR} strokeDasharray="2 1.5" />
              <circle cx="14" cy="8" r="4.5" fill="#8b949e" stroke="#57606a" />
            </Swatch>
            in a wallet of [N] (inferred)
          </li>
          <li>
            <Swatch>
              <path d="M11 1.5 H17 L21.5 6 V10 L17 14.5 H11 L6.5 10 V6 Z" fill={ENTITY_FILL} stroke={WALLET_COLOUR} strokeWidth="2" />
            </Swatch>
            wallet drawn as one node
          </li>
          <li>
            <Swatch>
              <rect x="3" y="3" width="22" height="10" rx="4" fill="#fff" stroke="#6e7781" strokeDasharray="2 1.5" />
            </Swatch>
            more counterparties
          </li>
          <li>
            <Swatch>
              <path d="M14 2.5 L19.5 8 L14 13.5 L8.5 8 Z" fill="#fff" stroke={TX_COLOUR} strokeWidth="1.6" />
            </Swatch>
            transaction (Tx nodes)
          </li>
        </ul>
        <ul className="legend-list" aria-label="Edges">
          <li>
            <Line colour={EDGE_COLOURS.native} />
            native transfer (BTC, ETH…)
          </li>
          <li>
            <Line colour={EDGE_COLOURS.token} />
            token transfer
          </li>
          <li>
            <Line colour={TX_COLOUR} />
            tx input / output
          </li>
          <li>
            <Line colour={EDGE_COLOURS.sameKey} dashed arrow={false} />
            same key (not a transfer)
          </li>
          <li>
            <Swatch>
              <line x1="2" y1="4" x2="26" y2="4" stroke={EDGE_COLOURS.native} strokeWidth="1.25" />
              <line x1="2" y1="11" x2="26" y2="11" stroke={EDGE_COLOURS.native} strokeWidth="5" />
            </Swatch>
            width: value, per asset (log)
          </li>
        </ul>
      </div>
      <h3>Labels</h3>
      <ul className="legend-list legend-labels" aria-label="Labels" data-testid="legend-labels">
        <li>
          <Swatch>
            <circle cx="14" cy="8" r="6" fill="#8b949e" stroke={SANCTION_COLOUR} strokeWidth="1.2" />
            <circle cx="14" cy="8" r="3.8" fill="#8b949e" stroke={SANCTION_COLOUR} strokeWidth="1.2" />
          </Swatch>
          <span>
            sanctioned <span className="legend-sanction-mark">{SANCTION_PREFIX.trim()}</span>
          </span>
        </li>
        {props.labelKeys.map((key) => (
          <li key={key}>
            <Swatch>
              <circle cx="14" cy="8" r="5" fill={LABEL_COLOURS[key]} stroke="#57606a" />
            </Swatch>
            {colourKeyWords(key)}
          </li>
        ))}
      </ul>
      {props.labelKeys.length === 0 && <p className="muted small">Labelled addresses are filled by their category; none on the canvas.</p>}
      <h3>Clusters</h3>
      {props.clusters.length === 0 ? (
        <p className="muted small">Outlines around their members; none in this case.</p>
      ) : (
        <ul className="legend-list legend-clusters" aria-label="Clusters">
          {props.clusters.map((c) => (
            <li key={c.id} title={`${c.name} (${c.category.replace(/_/g, ' ')})`}>
              <Swatch>
                <rect x="3" y="2.5" width="22" height="11" rx="5.5" fill={c.color} fillOpacity="0.15" stroke={c.color} strokeWidth="1.5" />
              </Swatch>
              <span className="ellipsis">{c.name}</span>
              <span className="muted small nowrap">{c.category.replace(/_/g, ' ')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
