import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatIsoDate, groupFingerprint, shortFingerprint } from '../../../renderer/format/text';
import { asksForPassphrase, caseOptionText, defaultExportPath, passphraseCheck } from '../../../renderer/state/handover';

describe('fingerprints as people read them', () => {
  it('groups a bare hex fingerprint in fours and keeps one the back end already grouped', () => {
    assert.equal(groupFingerprint('3fa9c2d1e0b47a88'), '3fa9 c2d1 e0b4 7a88');
    assert.equal(groupFingerprint('3FA9 C2D1 E0B4 7A88'), '3FA9 C2D1 E0B4 7A88');
    assert.equal(groupFingerprint('abc'), 'abc');
  });

  it('shortens to the first groups for banners', () => {
    assert.equal(shortFingerprint('3FA9 C2D1 E0B4 7A88 0011 2233 4455 6677'), '3FA9 C2D1 E0B4…');
    assert.equal(shortFingerprint('3fa9c2d1'), '3fa9 c2d1');
    assert.equal(formatIsoDate('2025-12-02T03:40:00.000Z'), '2025-12-02');
    assert.equal(formatIsoDate('yesterday'), 'yesterday');
  });
});

describe('export dialog rules', () => {
  it('proposes <workspace>/exports/<case-id>.cairnbundle', () => {
    assert.equal(defaultExportPath('/home/a/cairn', 'atomic-drain'), '/home/a/cairn/exports/atomic-drain.cairnbundle');
    assert.equal(defaultExportPath('/home/a/cairn/', 'x'), '/home/a/cairn/exports/x.cairnbundle');
    assert.equal(defaultExportPath('C:\\Users\\a\\Cairn', 'x'), 'C:\\Users\\a\\Cairn\\exports\\x.cairnbundle');
  });

  it('accepts no passphrase, or one of at least 8 characters typed twice alike', () => {
    assert.deepEqual(passphraseCheck('', ''), { ready: true, passphrase: null, confirmation: null });
    assert.equal(passphraseCheck('', 'x').ready, false);
    assert.equal(passphraseCheck('short', 'short').ready, false);
    assert.match(passphraseCheck('short', 'short').passphrase ?? '', /at least 8/i);
    // Nothing is said under the second field until something is typed there.
    assert.deepEqual(passphraseCheck('long enough', ''), { ready: false, passphrase: null, confirmation: null });
    assert.match(passphraseCheck('long enough', 'long enougj').confirmation ?? '', /differ/);
    assert.equal(passphraseCheck('long enough', 'long enough').ready, true);
  });

  it('sends the investigator to the passphrase field when a problem is about it', () => {
    assert.equal(asksForPassphrase(['the bundle is encrypted: give its passphrase']), true);
    assert.equal(asksForPassphrase(['wrong passphrase, or the bundle was changed after it was encrypted']), true);
    assert.equal(asksForPassphrase(['case.cairn does not match the SHA-256 the manifest gives for it']), false);
  });
});

describe('case list entries', () => {
  const base = { name: 'Drain' };
  it('marks received, foreign and broken case files', () => {
    assert.equal(caseOptionText({ ...base, origin: 'own', readOnly: false }), 'Drain');
    assert.equal(caseOptionText({ ...base, origin: 'received', readOnly: true }), 'Drain (received)');
    assert.equal(caseOptionText({ ...base, origin: 'received', readOnly: false }), 'Drain');
    assert.equal(caseOptionText({ ...base, origin: 'foreign', readOnly: true }), 'Drain (read-only)');
    assert.equal(caseOptionText({ ...base, origin: 'broken', readOnly: true }), 'Drain (cannot be opened)');
  });
});
