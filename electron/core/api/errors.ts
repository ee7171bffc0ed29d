import { ApiError, type ApiErrorShape, type ErrorKind } from '../../../shared/api/contract';
import { UnknownChainError } from '../../../shared/model/chains';
import { BadInputError, ImportCancelledError } from '../ingest/errors';
import { NewerDatabaseError } from '../store/migrate';

/** Sorts any error into the kinds the UI responds to; the message is kept, the stack never crosses. */
export function errorToShape(error: unknown): ApiErrorShape {
  if (error instanceof ApiError) return error.toShape();
  if (error instanceof BadInputError) return { kind: 'bad_input', message: error.message };
  if (error instanceof ImportCancelledError) return { kind: 'cancelled', message: error.message };
  if (error instanceof UnknownChainError) return { kind: 'invalid_argument', message: error.message };
  if (error instanceof NewerDatabaseError) return { kind: 'store', message: error.message };
  const e = error as Error & { code?: string; kind?: string };
  if (typeof e?.kind === 'string') return { kind: e.kind as ErrorKind, message: e.message };
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_')) {
    const what =
      e.code.startsWith('SQLITE_BUSY') ? 'the store is busy (another import is writing); try again when it finishes'
      : e.code.startsWith('SQLITE_CORRUPT') || e.code === 'SQLITE_NOTADB' ? 'the database file is damaged or not a Cairn database'
      : e.code.startsWith('SQLITE_READONLY') ? 'the database file is read-only'
      : e.code === 'SQLITE_FULL' ? 'the disk is full'
      : 'database error';
    return { kind: 'store', message: `${what} (${e.code}: ${e.message})` };
  }
  return { kind: 'internal', message: e instanceof Error ? e.message : String(error) };
}

export function toApiError(error: unknown): ApiError {
  const s = errorToShape(error);
  return error instanceof ApiError ? error : new ApiError(s.kind, s.message);
}
