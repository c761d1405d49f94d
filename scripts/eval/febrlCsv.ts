/**
 * The FEBRL-layout CSV the identity evaluations read (`../shared/data/README.md`): rows,
 * the person each `rec_id` names (truth: never shown to matching), and the CRM contact a
 * row becomes.
 */
import { readFileSync } from 'node:fs';
import type { CrmContactInput } from '../../src/crm/crmContactService';

export interface Row {
  recId: string;
  fields: Record<string, string>;
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

export function readRows(file: string): Row[] {
  const [header, ...body] = parseCsv(readFileSync(file, 'utf8'));
  if (!header?.includes('rec_id')) throw new Error(`${file}: no rec_id column in the header`);
  return body.map((cells) => {
    const fields = Object.fromEntries(header.map((h, i) => [h.trim(), (cells[i] ?? '').trim()]));
    return { recId: fields.rec_id!, fields };
  });
}

/** `rec-12-org`, `rec-12-dup-3` → `12`: the person. */
export function personOf(recId: string): string {
  const m = /^rec-(\d+)-(org|dup)/.exec(recId);
  if (!m) throw new Error(`rec_id "${recId}" is not rec-<N>-org or rec-<N>-dup-<k>`);
  return m[1]!;
}

/** `YYYYMMDD` → `YYYY-MM-DD`, or undefined when it is not a date the API would accept. */
function birthDate(value: string | undefined): string | undefined {
  if (!value || !/^\d{8}$/.test(value)) return undefined;
  const iso = `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) return undefined;
  if (d.getUTCFullYear() < 1900 || d.getTime() > Date.now()) return undefined;
  return iso;
}

/** The row as a CRM would send it. The contact id is the row number, never the rec_id. */
export function contactOf(row: Row, index: number): CrmContactInput {
  const f = row.fields;
  const opt = (v: string | undefined) => (v ? v : null);
  const line1 = [f.street_number, f.address_1].filter(Boolean).join(' ');
  return {
    crmId: `eval-${index}`,
    firstName: opt(f.given_name),
    lastName: opt(f.surname),
    birthDate: birthDate(f.date_of_birth) ?? null,
    address: {
      line1: opt(line1),
      line2: opt(f.address_2),
      city: opt(f.suburb),
      region: opt(f.state),
      postalCode: opt(f.postcode),
    },
    emails: f.email ? [f.email] : null,
    phones: f.phone ? [f.phone] : null,
    attributes: f.soc_sec_id ? { nationalId: f.soc_sec_id } : null,
  };
}
