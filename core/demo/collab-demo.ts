import type { Kernel } from '../kernel.js';
import { runCommand } from '../db/command.js';
import { hostOf } from '../plugins/host.js';
import { auditRouteCall, enabledIn } from '../plugins/units.js';

/**
 * The collaboration plugin's demo conversation (issue 18), written the way people would write it:
 * each message, review sign-off and consultation is a call of the plugin's own route as a demo user
 * (run in the sandbox, the POSTs audited like any route call), never a document written behind the
 * plugin's back. Unit a gets a thread on a payment of 基础教育科, a unit-wide topic, a closed joint
 * review of a project and an open consultation on one of the analytics plugin's warnings; unit b a
 * thread on a payment and a topic. Runs once, right after the demo enables the plugin in the unit.
 */
export async function seedCollabDemo(kernel: Kernel, unitId: string): Promise<string[]> {
  const db = kernel.db;
  const host = hostOf(kernel);
  const enablement = await enabledIn(db, unitId, 'collab');
  const people = await db.selectFrom('users').innerJoin('role_grants', 'role_grants.user_id', 'users.id')
    .select(['users.id', 'users.username', 'role_grants.role']).where('role_grants.unit_id', '=', unitId).execute();
  const user = (who: string) => {
    const rows = people.filter((p) => p.username === `${unitId}.${who}`);
    if (!rows[0]) throw new Error(`no demo user ${unitId}.${who}`);
    return { id: rows[0].id, username: rows[0].username, roles: rows.map((r) => r.role as string) };
  };
  const done: string[] = [];
  const call = async (who: string, method: 'GET' | 'POST', path: string, params: Record<string, string>, body: unknown = null, key = path): Promise<any> => {
    const caller = user(who);
    const concrete = Object.entries(params).reduce((p, [k, v]) => p.replace(`:${k}`, v), path);
    const request = { method, path: concrete, query: {}, body, user: caller, params };
    const stats = { writes: 0 };
    const reply = await host.invoke(enablement, 'routes', `${method} ${key}`, request, { stats, readOnly: method === 'GET' });
    if (method === 'POST') {
      const text = JSON.stringify(body);
      await runCommand(kernel, (tx) => auditRouteCall(tx, { userId: caller.id, username: caller.username }, unitId, {
        pluginId: 'collab', version: enablement.version, route: `${method} ${key}`, text, body,
        outcome: reply.ok ? 'ok' : 'refused', ...(reply.ok ? {} : { code: reply.error.code }), writes: stats.writes,
      }));
    }
    if (!reply.ok) throw new Error(`collab demo: ${method} ${concrete} as ${who}: ${reply.error.code} ${reply.error.message}`);
    return reply.value;
  };
  const post = (who: string, threadId: string, text: string) => call(who, 'POST', 'threads/:threadId/messages', { threadId }, { text });
  const department = async (code: string) => (await db.selectFrom('departments').select('id').where('unit_id', '=', unitId).where('code', '=', code).executeTakeFirst())?.id ?? null;
  const business = await department('03');
  // The largest payment of the business department this year: what people would ask about.
  const payment = business === null ? undefined : await db.selectFrom('payments').select(['id', 'purpose', 'payee_name', 'amount', 'status'])
    .where('unit_id', '=', unitId).where('department_id', '=', business).where('status', 'in', ['paid', 'approved', 'pending'])
    .orderBy('amount', 'desc').limit(1).executeTakeFirst();
  const names = Object.fromEntries(await Promise.all(['staff', 'head', 'finance', 'leader'].map(async (w) => [w, (await db.selectFrom('users').select('display_name').where('username', '=', `${unitId}.${w}`).executeTakeFirstOrThrow()).display_name])));

  if (payment) {
    const { thread } = await call('finance', 'POST', 'threads', {}, {
      title: `${payment.purpose}的付款依据`, subject: { kind: 'payment', id: payment.id },
      text: `@${names.staff} 这笔${payment.purpose}（[[payment:${payment.id}]]）请补充合同和验收单，财务核对后${payment.status === 'paid' ? '归档' : '安排支付'}。`,
    });
    await post('staff', thread.id, `合同已上传到附件，验收单今天下午请${names.head}签字后补上。`);
    await post('head', thread.id, `验收单已签字。@${names.finance} 请核对，金额与合同一致。`);
    await post('finance', thread.id, '已核对，单据齐全。');
    done.push(`${unitId}: thread on payment #${payment.id}`);
  }
  const { thread: topic } = await call('leader', 'POST', 'threads', {}, {
    title: '下半年预算执行进度安排', text: `各科室注意：6 月底序时进度应达到 50%。@科室负责人 请本周内报送项目支出计划，@财务人员 每周一汇总执行进度。`,
  });
  await post('finance', topic.id, '收到。本周一汇总：基本支出执行正常，项目支出偏慢，明细见执行看板。');
  await post('head', topic.id, '基础教育科的设备采购合同已签，7 月上旬可支付首期款。');
  done.push(`${unitId}: topic ${topic.id}`);

  if (unitId === 'a') {
    // A closed joint review of the business department's largest executing project.
    const project = await db.selectFrom('projects').select(['id', 'name']).where('unit_id', '=', unitId).where('status', '=', 'executing')
      .orderBy('total_amount', 'desc').limit(1).executeTakeFirst();
    if (project) {
      const { review } = await call('finance', 'POST', 'reviews', {}, { subject: { kind: 'project', id: project.id }, title: `${project.name}年中联审`, note: '项目资金量大，按规定由财务、业务科室和审计联合审查执行情况。' });
      await call('finance', 'POST', 'reviews/:reviewId/sign', { reviewId: review.id }, { decision: 'approve', reason: '资金按进度拨付，指标余额充足。' });
      await call('head', 'POST', 'reviews/:reviewId/sign', { reviewId: review.id }, { decision: 'approve', reason: '项目按计划实施，阶段成果已验收。' });
      await call('auditor', 'POST', 'reviews/:reviewId/sign', { reviewId: review.id }, { decision: 'approve', reason: '采购程序合规，票据齐全。' });
      done.push(`${unitId}: closed joint review of project #${project.id}`);
    }
    // An open consultation on a warning the analytics plugin raised (when it runs in the unit).
    const warning = await db.selectFrom('plugin_docs').select(['doc_id', 'data']).where('plugin_id', '=', 'analytics').where('unit_id', '=', unitId)
      .where('collection', '=', 'warnings').orderBy('id').limit(50).execute();
    const open = warning.map((w) => ({ id: w.doc_id, ...(JSON.parse(w.data) as { title?: string; departmentId?: number | null; status?: string; active?: boolean }) }))
      .filter((w) => w.active !== false && w.status !== 'closed' && /^[A-Za-z0-9_.:-]{1,100}$/.test(w.id));
    // One of the business department's own, when it has one: its head is the one who answers.
    const chosen = open.find((w) => w.departmentId === business) ?? open[0];
    if (chosen) {
      const { consultation } = await call('finance', 'POST', 'consultations', {}, {
        warningId: chosen.id, title: String(chosen.title ?? '执行预警会商').slice(0, 100), departmentId: chosen.departmentId ?? business,
        note: '请责任科室说明原因，提出整改措施和完成时间。',
      });
      await post('head', consultation.threadId, '科室已核查：主要是部分支出尚未到结算时点。本周内报送分月用款计划和整改措施，请财务协助核对指标执行数。');
      done.push(`${unitId}: open consultation on warning ${chosen.id}`);
    }
  }
  return done;
}
