import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GRAPH_EXPORT_FORMATS } from '../../../shared/api/schemas';
import { defaultGraphExportPath, defaultReportPath, formatSuffix, pathForFormat, reportFormatOfPath } from '../../../renderer/state/exportPaths';

describe('report and graph export paths', () => {
  // In the workspace's exports/ folder, beside the bundles; the export makes it.
  it('proposes the report in the workspace’s exports folder, with the chosen format’s extension and the workspace’s separator', () => {
    assert.equal(defaultReportPath('/home/a/cairn', 'atomic-drain', 'pdf'), '/home/a/cairn/exports/atomic-drain-report.pdf');
    assert.equal(defaultReportPath('/home/a/cairn/', 'x', 'html'), '/home/a/cairn/exports/x-report.html');
    assert.equal(defaultReportPath('C:\\Users\\a\\Cairn', 'x', 'pdf'), 'C:\\Users\\a\\Cairn\\exports\\x-report.pdf');
    // Without a workspace (not known yet) nothing is proposed rather than a relative path.
    assert.equal(defaultReportPath('', 'x', 'pdf'), '');
  });

  it('proposes one path per graph format, CSV a folder and the TagPack the TagPack dialog’s name', () => {
    assert.equal(defaultGraphExportPath('/w', 'c', 'graphml'), '/w/exports/c.graphml');
    assert.equal(defaultGraphExportPath('/w', 'c', 'gexf'), '/w/exports/c.gexf');
    assert.equal(defaultGraphExportPath('/w', 'c', 'csv'), '/w/exports/c-csv');
    assert.equal(defaultGraphExportPath('/w', 'c', 'cyjs'), '/w/exports/c.cyjs');
    assert.equal(defaultGraphExportPath('/w', 'c', 'tagpack'), '/w/exports/c-tags.yaml');
    assert.equal(defaultGraphExportPath('/w', 'c', 'svg'), '/w/exports/c.svg');
    assert.equal(defaultGraphExportPath('/w', 'c', 'png'), '/w/exports/c.png');
    // Every format the API offers has its own ending, so that no two exports of a case collide.
    const endings = GRAPH_EXPORT_FORMATS.map(formatSuffix);
    assert.equal(new Set(endings).size, GRAPH_EXPORT_FORMATS.length);
  });

  it('switching HTML ⇄ PDF swaps only the extension, keeping the name and folder typed', () => {
    assert.equal(pathForFormat('/w/c-report.pdf', 'html'), '/w/c-report.html');
    assert.equal(pathForFormat('/w/c-report.html', 'pdf'), '/w/c-report.pdf');
    assert.equal(pathForFormat('/tmp/For Court.PDF', 'html'), '/tmp/For Court.html');
    assert.equal(pathForFormat('/tmp/old.htm', 'pdf'), '/tmp/old.pdf');
  });

  it('switching graph formats moves between files and the CSV folder and back', () => {
    let path = '/w/c.graphml';
    path = pathForFormat(path, 'csv');
    assert.equal(path, '/w/c-csv');
    path = pathForFormat(path, 'tagpack');
    assert.equal(path, '/w/c-tags.yaml');
    path = pathForFormat(path, 'svg');
    assert.equal(path, '/w/c.svg');
    path = pathForFormat(path, 'graphml');
    assert.equal(path, '/w/c.graphml');
  });

  it('adds the ending to a path without one, drops a folder’s trailing separator, and replaces typed .json, .yaml and .csv', () => {
    assert.equal(pathForFormat('/tmp/out', 'gexf'), '/tmp/out.gexf');
    assert.equal(pathForFormat('/tmp/tables/', 'png'), '/tmp/tables.png');
    assert.equal(pathForFormat('C:\\out\\graph.json', 'cyjs'), 'C:\\out\\graph.cyjs');
    assert.equal(pathForFormat('/tmp/mytags.yaml', 'graphml'), '/tmp/mytags.graphml');
    assert.equal(pathForFormat('/tmp/nodes.csv', 'csv'), '/tmp/nodes-csv');
  });

  it('leaves the folder part alone and keeps a name that is only an extension', () => {
    assert.equal(pathForFormat('/data.svg/graph', 'png'), '/data.svg/graph.png');
    assert.equal(pathForFormat('/tmp/.pdf', 'html'), '/tmp/.pdf.html');
    assert.equal(pathForFormat('   ', 'pdf'), '');
  });

  it('a typed .html, .htm or .pdf names the report format; other paths name none', () => {
    assert.equal(reportFormatOfPath('/tmp/r.PDF'), 'pdf');
    assert.equal(reportFormatOfPath('/tmp/r.html '), 'html');
    assert.equal(reportFormatOfPath('/tmp/r.htm'), 'html');
    assert.equal(reportFormatOfPath('/tmp/r.pdf.txt'), null);
    assert.equal(reportFormatOfPath('/tmp/r'), null);
  });
});
