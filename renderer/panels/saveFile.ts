/** Saving a table the app built (screening, a trace's endpoints) as a file through the browser's download. */

export function saveCsvFile(name: string, text: string): void {
  // A byte-order mark, so that spreadsheet programs read the labels' non-ASCII letters as UTF-8.
  const url = URL.createObjectURL(new Blob(['\uFEFF', text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A UTC time for file names: 20240501-1230. */
export function fileStamp(date: Date): string {
  return date.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
}
