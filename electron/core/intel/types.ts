/**
 * What a label file says, once read: the shapes the parsers (./parse) produce and the label
 * store (./labelStore) keeps. A label points at (chain, address) and never changes a chain fact.
 */
export type LabelSourceKind = 'tagpack' | 'actorpack' | 'ofac' | 'csv';

/** One label on one address, with everything the file said about it (header fields inherited). */
export interface ParsedLabel {
  /** CAIP-2 chain id. */
  chain: string;
  /** Canonical stored form (shared/codec/address canonicalAddress). */
  address: string;
  label: string;
  /** GraphSense concept, e.g. exchange, mixing_service; null when the file gives none. */
  category: string | null;
  /** e.g. sanction, scam, service_hack; null when none. */
  abuse: string | null;
  /** The named confidence level as written (authority_data, forensic, …), or null when the file gave a number. */
  confidence: string | null;
  /** 0–100: the named level's value, or the number the file gave; null when neither. */
  confidenceScore: number | null;
  source: string | null;
  context: string | null;
  isClusterDefiner: boolean;
  /** ActorPack id (e.g. lazarusgroup), or null. */
  actor: string | null;
  /** ISO date (YYYY-MM-DD) or null. */
  lastmod: string | null;
  /** Where it stands: the file, its 1-based line (null when unknown) and its index among the file's entries. */
  file: string;
  line: number | null;
  index: number;
}

export interface ParsedActor {
  id: string;
  label: string;
  /** ISO 3166 codes or names as given. */
  jurisdictions: string[];
  uri: string | null;
  categories: string[];
  context: string | null;
  file: string;
  line: number | null;
}

/** An entry left out, and why: an invalid address, a chain Cairn does not know, a missing field. */
export interface SkippedEntry {
  file: string;
  line: number | null;
  index: number | null;
  reason: string;
}

export interface ParsedLabelFile {
  kind: LabelSourceKind;
  /** Path as given. */
  file: string;
  sha256: string;
  size: number;
  /** TagPack title; for OFAC and CSV a title made from the file (e.g. "OFAC SDN digital currency addresses (ETH)"). */
  title: string;
  creator: string | null;
  description: string | null;
  /** Where the set comes from (a URL), when the file says. */
  sourceUrl: string | null;
  license: string | null;
  /** ISO date the file says it was last changed, or null. */
  lastmod: string | null;
  labels: ParsedLabel[];
  actors: ParsedActor[];
  skipped: SkippedEntry[];
}

/** A file that cannot be read as a label file at all: names the file, the line and what was wrong. */
export class LabelFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(`${file}${line !== null ? `, line ${line}` : ''}: ${reason}`);
    this.name = 'LabelFileError';
  }
}
