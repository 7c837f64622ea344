import { queryString } from '../../http/ui/html.js';
import type { ReportLang } from '../../i18n/reports.js';
import type { ReportFilter } from '../filters.js';

/** Where each name leads: its own page, in the same period and language. */
export const entityHref = {
  agency: (code: string, f: ReportFilter, lang: ReportLang) =>
    `/reports/agency/${encodeURIComponent(code)}${queryString({ from: f.from, to: f.to, lang })}`,
  department: (agency: string, code: string, f: ReportFilter, lang: ReportLang) =>
    `/reports/department/${encodeURIComponent(agency)}/${encodeURIComponent(code)}${queryString({ from: f.from, to: f.to, lang })}`,
  agent: (id: string, f: ReportFilter, lang: ReportLang) =>
    `/reports/agent/${encodeURIComponent(id)}${queryString({ from: f.from, to: f.to, lang })}`,
};
