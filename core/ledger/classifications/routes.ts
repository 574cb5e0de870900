import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../../http/route.js';
import { runCommand } from '../../db/command.js';
import { ClassificationListQuery, ClassificationView, ClassificationYearsView, IMPORT_MAX_BYTES, ImportBody, ImportResult } from './schema.js';
import { listClassificationYears, listClassifications } from './service.js';
import { applyImport, checkImport, readImport } from './import.js';

export const classificationRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/classifications',
    tag: 'classifications',
    summary: '分类科目 Functional classes, economic classes and fund sources of a year (the national standard, readable by everyone signed in)',
    access: { kind: 'self' },
    query: ClassificationListQuery,
    response: z.array(ClassificationView),
    handler: async ({ kernel, query }) =>
      listClassifications(kernel.db, { ...query, year: query.year ?? new Date().getUTCFullYear() }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/classifications/years',
    tag: 'classifications',
    summary: '分类科目年度 Years with a classification set, per kind',
    access: { kind: 'self' },
    response: z.array(ClassificationYearsView),
    handler: async ({ kernel }) => listClassificationYears(kernel.db),
  }),
  defineRoute({
    method: 'post',
    path: '/api/classifications/import',
    tag: 'classifications',
    summary: '导入分类科目 Import codes from a CSV or xlsx file (base64): validate reports row errors, apply writes all rows or none',
    access: { kind: 'system', permission: 'classification.manage' },
    body: ImportBody,
    // The file travels base64-encoded in JSON: room for a full-size file plus the envelope.
    maxBodyBytes: Math.ceil((IMPORT_MAX_BYTES * 4) / 3) + 64 * 1024,
    response: ImportResult,
    // Not a `command:` route: the file (up to 2 MB, an xlsx unpacked) is read before the command's
    // transaction opens, so reading it never holds the database; `validate` writes nothing at all.
    handler: async ({ kernel, actor, body, lang }) => {
      const file = await readImport(body, lang);
      if (body.mode === 'validate') return checkImport(kernel.db, body, file, lang);
      return runCommand(kernel, (tx) => applyImport(tx, actor, body, file, lang));
    },
  }),
];
