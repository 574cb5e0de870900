import { fromBase64, refuse, type HostApi, type ProjectRecord } from '@unibudget/sdk';
import { all } from './store.js';
import { InputError, text } from './requests.js';

/**
 * 佐证材料 (evidence) of a project's self-evaluation: files uploaded through a form's `file` input
 * (`{ name, base64 }`), kept in the plugin's storage — the metadata in `evidence`, the bytes as base64
 * in parts of at most 48 000 characters in `evidence_parts` (a stored document is at most 64 KiB) —
 * listed with name, size, uploader and time, and downloaded through a GET route answering `{ file }`.
 */

/**
 * The largest evidence file, bytes. A file travels base64 inside the route's JSON body, which the host
 * caps at 256 KiB, and the web app reads at most 180 KiB for an upload: the same figure here.
 */
export const EVIDENCE_MAX_BYTES = 180 * 1024;
/** Files per project and year. */
export const EVIDENCE_MAX_FILES = 20;
const PART_CHARS = 48_000;

export interface EvidenceDoc {
  [key: string]: unknown;
  projectId: number; year: number; name: string; mediaType: string; size: number; parts: number; by: string; at: string;
}

const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', txt: 'text/plain', csv: 'text/csv', json: 'application/json',
  doc: 'application/msword', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', zip: 'application/zip', ofd: 'application/ofd',
};
export const EVIDENCE_ACCEPT = Object.keys(MEDIA_TYPES).map((x) => `.${x}`).join(',');

export function mediaTypeOf(name: string): string {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return MEDIA_TYPES[ext] ?? 'application/octet-stream';
}

const evidenceIdOf = (raw: string | undefined) => {
  if (!raw || !/^ev-[a-z0-9-]{1,80}$/.test(raw)) throw refuse(404, 'EVIDENCE_NOT_FOUND', { zh: '佐证材料不存在', en: 'No such evidence file' }, { evidenceId: raw ?? '' });
  return raw;
};

export async function listEvidence(host: HostApi, projectId: number, year: number): Promise<Array<{ id: string } & EvidenceDoc>> {
  const docs = await all<EvidenceDoc>(host, 'evidence', { projectId, year });
  return docs.map((d) => ({ id: d.id, ...d.data })).sort((a, b) => a.at.localeCompare(b.at));
}

/** Stores an uploaded file: `{ year, file: { name, base64, mediaType? } }`. Bad input changes nothing. */
export async function uploadEvidence(host: HostApi, project: ProjectRecord, year: number, b: Record<string, unknown>, by: string): Promise<{ id: string } & EvidenceDoc> {
  const file = b.file as { name?: unknown; base64?: unknown; mediaType?: unknown } | null | undefined;
  if (!file || typeof file !== 'object' || typeof file.name !== 'string' || typeof file.base64 !== 'string') throw new InputError('file', '请选择要上传的佐证材料文件');
  const name = text({ name: file.name }, 'name', '文件名', { required: true, max: 120 }).replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_');
  const base64 = file.base64.replace(/\s+/g, '');
  // Checked on the text first: a huge upload is refused before it is decoded.
  if (base64.length > Math.ceil((EVIDENCE_MAX_BYTES * 4) / 3) + 4) throw new InputError('file', `文件不能超过 ${EVIDENCE_MAX_BYTES / 1024} KiB`);
  let bytes: Uint8Array;
  try { bytes = fromBase64(base64); } catch { throw new InputError('file', '文件内容不是有效的 base64'); }
  if (bytes.length === 0) throw new InputError('file', '文件是空的');
  if (bytes.length > EVIDENCE_MAX_BYTES) throw new InputError('file', `文件不能超过 ${EVIDENCE_MAX_BYTES / 1024} KiB`);
  const existing = await listEvidence(host, project.id, year);
  if (existing.length >= EVIDENCE_MAX_FILES) throw new InputError('file', `每个项目每年最多 ${EVIDENCE_MAX_FILES} 份佐证材料`);
  const given = typeof file.mediaType === 'string' && /^[a-z]+\/[a-z0-9.+-]{1,100}$/i.test(file.mediaType) ? file.mediaType : '';
  const at = new Date().toISOString();
  const id = `ev-${project.id}-${year}-${at.replace(/\D/g, '').slice(0, 17)}-${existing.length + 1}`;
  const parts = Math.ceil(base64.length / PART_CHARS);
  // The parts first, the metadata last: a listed file always has all its parts.
  const doc: EvidenceDoc = { projectId: project.id, year, name, mediaType: given || mediaTypeOf(name), size: bytes.length, parts, by, at };
  let written = 0;
  try {
    for (; written < parts; written++) await host.storage.put('evidence_parts', `${id}-${written}`, { evidenceId: id, index: written, data: base64.slice(written * PART_CHARS, (written + 1) * PART_CHARS) });
    await host.storage.put('evidence', id, doc);
  } catch (e) {
    // Refused part way (the unit's storage quota): the parts already written go again, nothing is left half-stored.
    for (let i = 0; i < written; i++) await host.storage.delete('evidence_parts', `${id}-${i}`).catch(() => false);
    throw e;
  }
  return { id, ...doc };
}

async function evidenceOf(host: HostApi, projectId: number, raw: string | undefined): Promise<{ id: string; doc: EvidenceDoc }> {
  const id = evidenceIdOf(raw);
  const stored = await host.storage.get<EvidenceDoc>('evidence', id);
  if (!stored || stored.data.projectId !== projectId) throw refuse(404, 'EVIDENCE_NOT_FOUND', { zh: '佐证材料不存在', en: 'No such evidence file' }, { evidenceId: id });
  return { id, doc: stored.data };
}

/** The file itself, as a GET route's `{ file }` answer (the host sends it as a download). */
export async function downloadEvidence(host: HostApi, projectId: number, raw: string | undefined) {
  const { id, doc } = await evidenceOf(host, projectId, raw);
  const parts = (await all<{ evidenceId: string; index: number; data: string }>(host, 'evidence_parts', { evidenceId: id })).map((d) => d.data).sort((a, b) => a.index - b.index);
  if (parts.length !== doc.parts) throw refuse(409, 'EVIDENCE_INCOMPLETE', { zh: '佐证材料文件不完整，请重新上传', en: 'The evidence file is incomplete: upload it again' }, { evidenceId: id });
  return { file: { name: doc.name, mediaType: doc.mediaType, base64: parts.map((p) => p.data).join('') } };
}

export async function deleteEvidence(host: HostApi, projectId: number, raw: string | undefined): Promise<{ id: string; name: string }> {
  const { id, doc } = await evidenceOf(host, projectId, raw);
  await host.storage.delete('evidence', id);
  for (let i = 0; i < doc.parts; i++) await host.storage.delete('evidence_parts', `${id}-${i}`);
  return { id, name: doc.name };
}
