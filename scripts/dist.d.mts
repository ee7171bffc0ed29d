/** SOURCE_DATE_EPOCH from env if set (validated), else the commit time; throws when neither. */
export function sourceDateEpoch(env: Record<string, string | undefined>, commitTime: string | undefined): string;
export function distEnvironment(env: Record<string, string | undefined>, epoch: string): Record<string, string | undefined>;
