import { z } from 'zod';
import { area } from './area.js';

/** Closures imported from a file (docs/imports.md). */
export const imports = area(
  {
    IMPORT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(2 ** 31)
      .default(50 * 1024 * 1024),
    IMPORT_BATCH_ROWS: z.coerce.number().int().min(10).max(10_000).default(1000),
    IMPORT_XLSX_MAX_INFLATED_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(2 ** 32)
      .default(512 * 1024 * 1024),
    IMPORT_XLSX_MAX_RATIO: z.coerce.number().min(10).max(10_000).default(200),
  },
  (e) => ({
    imports: {
      /** The largest file one upload may send (CSV or XLSX, as sent). */
      maxBytes: e.IMPORT_MAX_BYTES,
      /** Rows written together: one insert of events, one of results, one update of the record. */
      batchRows: e.IMPORT_BATCH_ROWS,
      /** An XLSX is refused as a zip bomb past this total inflated size, or past this ratio per entry. */
      xlsxMaxInflatedBytes: e.IMPORT_XLSX_MAX_INFLATED_BYTES,
      xlsxMaxRatio: e.IMPORT_XLSX_MAX_RATIO,
    },
  }),
);
