/** One cell: its plain text (for widths) and optionally the same text decorated for a terminal. */
export type TableCell = string | { text: string; styled: string };

/**
 * Lays rows out in aligned columns under upper-case headers, the way `kubectl get` and `docker ps`
 * print lists, so output is easy to read and to `grep`/`awk`. Widths ignore ANSI styling.
 */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly TableCell[]>): string {
  const plain = (cell: TableCell) => (typeof cell === 'string' ? cell : cell.text);
  const shown = (cell: TableCell) => (typeof cell === 'string' ? cell : cell.styled);
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => plain(row[column] ?? '').length)),
  );
  const line = (cells: readonly TableCell[]) =>
    cells
      .map((cell, column) => {
        const isLast = column === cells.length - 1;
        return isLast ? shown(cell) : shown(cell) + ' '.repeat((widths[column] ?? 0) - plain(cell).length);
      })
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...rows.map(line)].join('\n')}\n`;
}
