import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrate } from '../../../../electron/core/store/migrate';
import { getDatasetScope, parseDatasetScope, partialScope, setDatasetScope } from '../../../../electron/core/store/datasetScope';
import { listDatasets } from '../../../../electron/core/store/datasets';
import { openStore } from '../../../../electron/core/store/openStore';
import { storeMigrations } from '../../../../electron/core/store/storeMigrations';

test('migration 40 keeps every dataset, each with no scope (a complete view), and listDatasets keeps its shape', () => {
  const db = openStore(':memory:', { migrateTo: 30 });
  db.exec(`INSERT INTO chain (id, caip2) VALUES (1, 'eip155:1');
           INSERT INTO dataset (id, format, parser_version, chain_id, fingerprint, started_at, finished_at, row_counts, added)
             VALUES (1, 'ethereum-etl-csv', 'ethereum-etl-csv/1', 1, 'f', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:01.000Z', '{"transactions":4}', '{"transactions":4}');
           INSERT INTO dataset_source (dataset_id, seq, name, path, size, sha256, kind, rows) VALUES (1, 0, 'transactions.csv', '/e/transactions.csv', 10, 'ab', 'transactions', 4)`);
  const before = listDatasets(db);
  migrate(db, ':memory:', storeMigrations.filter((m) => m.version <= 40));
  assert.equal(db.pragma('user_version', { simple: true }), 40);
  assert.deepEqual(db.prepare('SELECT id, format, scope FROM dataset').all(), [{ id: 1, format: 'ethereum-etl-csv', scope: null }]);
  assert.deepEqual(getDatasetScope(db, 1), { kind: 'complete' });
  assert.equal(getDatasetScope(db, 2), null);
  // The API's Dataset keeps every field, and says the dataset is a complete view.
  assert.deepEqual(listDatasets(db), [{ ...before[0]!, partialOf: null }]);

  setDatasetScope(db, 1, partialScope('0xd40cca85f0f54f30445a3577e18a0a5abcca95bf'));
  assert.deepEqual(getDatasetScope(db, 1), { kind: 'partial', address: '0xd40cca85f0f54f30445a3577e18a0a5abcca95bf' });
  assert.equal(listDatasets(db)[0]!.partialOf, '0xd40cca85f0f54f30445a3577e18a0a5abcca95bf');
  assert.throws(() => setDatasetScope(db, 7, null), /no dataset 7/);
  assert.throws(() => parseDatasetScope('sampled:1'), /unknown dataset scope/);
  db.close();
});
