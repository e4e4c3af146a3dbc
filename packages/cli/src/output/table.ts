/** A column of a text table: its heading, and `right` for numbers. */
export interface Column {
  readonly heading: string;
  readonly align?: 'left' | 'right';
}

/**
 * Lays out rows as an aligned text table: headings in capitals, columns two spaces apart, no trailing
 * spaces. The last column is never padded, so long values (JSON data, error messages) stay on one line.
 *
 * @example
 * formatTable([{ heading: 'VERSION', align: 'right' }, { heading: 'TYPE' }], [['1', 'AccountOpened']]);
 */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string[] {
  const widths = columns.map((column, index) =>
    Math.max(column.heading.length, ...rows.map((row) => (row[index] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => {
        const cell = cells[index] ?? '';
        if (index === columns.length - 1 && column.align !== 'right') return cell;
        const width = widths[index] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.heading)), ...rows.map(line)];
}
