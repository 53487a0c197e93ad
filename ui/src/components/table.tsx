// DataTable: every table of the application. Sorting is
// @tanstack/table-core's (its sorting state and sorted row model), by the
// text each cell shows (numbers as numbers: tabular.ts); "Export CSV" saves
// the rows shown in their current order. Each cell holds one div and
// carries its column's name (data-label), which narrow screens show beside
// it when the rows stack into cards; the explicit roles keep it a table for
// screen readers when the styles display its parts as blocks. A captioned
// table scrolls inside a region named after its caption and "table", so that
// the name differs from the section around it, which often bears the same
// heading.
import type { ComponentChildren } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import { createTable, getCoreRowModel, getSortedRowModel, type SortingState, type Updater } from '@tanstack/table-core';
import { announce } from '../app';
import { t } from '../i18n';
import { cellText, compareCells, csvFileName, isNumericColumn, toCsv } from '../tabular';

export type Cell = ComponentChildren;

export interface DataTableProps {
  headers: string[];
  rows: Cell[][];
  caption?: string;
  class?: string;
  // Sort buttons in the column headers (default true).
  sortable?: boolean;
  // An "Export CSV" button for the rows shown (default true).
  exportable?: boolean;
  // What an empty table says in its one cell (default: "Nothing to show.").
  empty?: string;
  // Keys for the rows (default: their index), so that a changed row keeps its element.
  rowKeys?: string[];
}

// Saves a text as a file through a temporary link to a Blob.
export function saveFile(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

interface RowData {
  index: number;
}

export function DataTable(props: DataTableProps) {
  const { headers, rows, caption } = props;
  const sortable = (props.sortable ?? true) && rows.length > 1;
  const exportable = props.exportable ?? true;
  const [sorting, setSorting] = useState<SortingState>([]);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  // The text of every cell as rendered, read when a sort starts: what the
  // reader sees is what sorts (a cell may be a link, a badge or a list).
  const texts = useRef<string[][]>([]);

  const table = useMemo(() => {
    const data: RowData[] = rows.map((_, index) => ({ index }));
    return createTable<RowData>({
      data,
      columns: headers.map((h, col) => ({
        id: String(col),
        header: h,
        accessorFn: (r: RowData) => texts.current[r.index]?.[col] ?? '',
        sortingFn: (a, b, id) => compareCells(String(a.getValue(id)), String(b.getValue(id)), numeric.current[Number(id)] ?? false),
        sortUndefined: false,
      })),
      state: {},
      onStateChange: () => {},
      renderFallbackValue: null,
      getCoreRowModel: getCoreRowModel(),
      getSortedRowModel: getSortedRowModel(),
      enableSortingRemoval: false,
      enableMultiSort: false,
    });
  }, [rows, headers]);
  const numeric = useRef<boolean[]>([]);
  table.setOptions((prev) => ({
    ...prev,
    state: { ...table.initialState, sorting },
    onSortingChange: (u: Updater<SortingState>) => setSorting((s) => (typeof u === 'function' ? u(s) : u)),
  }));
  const order = sorting.length ? table.getSortedRowModel().rows.map((r) => r.original.index) : rows.map((_, i) => i);

  const sortBy = (col: number) => {
    const body = bodyRef.current;
    if (body && texts.current.length !== rows.length) {
      // Rows in their original order, whatever order they are shown in.
      const byIndex: string[][] = [];
      for (const tr of Array.from(body.rows)) {
        const i = Number(tr.dataset.index);
        byIndex[i] = Array.from(tr.cells, (td) => cellText(td));
      }
      texts.current = byIndex;
      numeric.current = headers.map((_, c) => isNumericColumn(byIndex.map((r) => r[c] ?? '')));
    }
    const current = sorting[0];
    const desc = current?.id === String(col) && !current.desc;
    setSorting([{ id: String(col), desc }]);
    announce(t(desc ? 'table.sortedDescending' : 'table.sortedAscending', { table: caption ?? t('table.table'), column: headers[col] }));
  };

  const exportCsv = () => {
    const shown = Array.from(bodyRef.current?.rows ?? []).filter((tr) => !tr.querySelector('td.empty'));
    const csv = toCsv([headers, ...shown.map((tr) => Array.from(tr.cells, (td) => cellText(td)))]);
    saveFile(csvFileName(caption), 'text/csv;charset=utf-8', csv);
    announce(t('table.exported', { count: shown.length }));
  };

  const sortState = (col: number): 'ascending' | 'descending' | undefined =>
    sorting[0]?.id === String(col) ? (sorting[0].desc ? 'descending' : 'ascending') : undefined;

  const tableEl = (
    <table class={['data', sortable ? 'sortable' : '', props.class ?? ''].filter(Boolean).join(' ')} role="table">
      {caption ? <caption>{caption}</caption> : null}
      <thead role="rowgroup">
        <tr role="row">
          {headers.map((h, i) => (
            <th scope="col" role="columnheader" aria-sort={sortState(i)} key={i}>
              {sortable && h ? (
                <button type="button" class="sort" onClick={() => sortBy(i)}>
                  {h}
                  <span class="sort-mark" aria-hidden="true" />
                </button>
              ) : (
                h
              )}
            </th>
          ))}
        </tr>
      </thead>
      <tbody role="rowgroup" ref={bodyRef}>
        {rows.length === 0 ? (
          <tr role="row">
            <td role="cell" colSpan={headers.length} class="empty">
              {props.empty ?? t('table.empty')}
            </td>
          </tr>
        ) : (
          order.map((i) => (
            <tr role="row" key={props.rowKeys?.[i] ?? i} data-index={i}>
              {rows[i].map((c, col) => (
                <td role="cell" data-label={headers[col] ?? ''} key={col}>
                  <div class="cell">{c}</div>
                </td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
  const wrap = caption ? (
    <div class="table-wrap" tabindex={0} role="region" aria-label={t('table.region', { caption })}>
      {tableEl}
    </div>
  ) : (
    <div class="table-wrap">{tableEl}</div>
  );
  if (!exportable) return <div class="table-block">{wrap}</div>;
  return (
    <div class="table-block">
      <div class="table-tools">
        <button type="button" class="secondary small" aria-label={caption ? t('table.exportNamed', { caption }) : undefined} onClick={exportCsv}>
          {t('table.export')}
        </button>
      </div>
      {wrap}
    </div>
  );
}
