// bench/collab/search.ts: storage.search (migration 017) over N plugin documents of ~60 Chinese characters —
// indexing cost per document and query times for one-, two- and many-character and two-word queries.
//   node --import tsx bench/collab/search.ts            (N=10000; DATABASE_URL=postgres://… for PostgreSQL)
import pg from 'pg';
import { sql } from 'kysely';
import { createKernel } from '../../core/kernel.js';
import { indexDocument, searchDocuments } from '../../core/plugins/search.js';
const kernel = await createKernel({ databaseUrl: process.env.DATABASE_URL || ':memory:', kdf: 'fast', ...(process.env.DATABASE_URL ? { pgSchema: process.env.SCHEMA ?? `m_${process.pid}` } : {}) });
const owner = { pluginId: 'collab', unitId: 'a' };
const collection = { name: 'messages', indexes: ['threadId'], search: ['text'] } as any;
const words = '预算 执行 进度 食堂 维修 工程款 合同 采购 招标 指标 支付 资金 项目 验收 审计 财务 科室 学生 资助 设备 公用经费 差旅 会议 培训 印刷 办公 用品 物业 水电 网络'.split(' ');
let seed = 7; const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const N = Number(process.env.N ?? 10000);
const t0 = performance.now();
for (let i = 0; i < (process.env.SCHEMA ? 0 : N); i++) {
  const text = Array.from({ length: 25 }, () => words[Math.floor(rnd() * words.length)]).join('') + `第${i}号`;
  const row = await kernel.db.insertInto('plugin_docs').values({ plugin_id: 'collab', unit_id: 'a', collection: 'messages', doc_id: `m${i}`, data: JSON.stringify({ text }), idx0: 't', idx1: null, idx2: null, updated_at: new Date(1e12 + i * 1000).toISOString(), bytes: text.length * 3 } as any).returning('id').executeTakeFirstOrThrow();
  await indexDocument(kernel.db as any, owner, collection, row.id, { text });
}
const tIndex = performance.now() - t0;
// PostgreSQL plans on statistics: a table filled in one go is analysed as autovacuum would do later.
if (kernel.dialect === 'postgres') await sql`analyze plugin_doc_terms`.execute(kernel.db);
const terms = await kernel.db.selectFrom('plugin_doc_terms').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
console.log(`${kernel.dialect}: indexed ${N} messages of ~60 characters in ${(tIndex / 1000).toFixed(1)} s (${(tIndex / N).toFixed(2)} ms each), ${terms.n} term rows`);
for (const q of ['维修', '修', '食堂维修工程款', '第123号', '审计 合同', '不存在的词']) {
  const times: number[] = []; let n = 0;
  for (let k = 0; k < 7; k++) { const t = performance.now(); n = (await searchDocuments(kernel.db as any, owner, collection, q, { limit: 20 })).length; times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(`  search "${q}": ${n} hits (limit 20), median ${times[3]!.toFixed(1)} ms`);
}
await kernel.close();
if (process.env.DATABASE_URL && !process.env.SCHEMA) {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "m_${process.pid}" CASCADE`);
  await client.end();
}
