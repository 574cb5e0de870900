import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx, indicator, timeProgressAnswer } from './fixtures.js';
import '../src/pages/cockpit-page.js';
import { execLight, parseTarget, projectLights, targetLight, type UbCockpitPage } from '../src/pages/cockpit-page.js';
import type { PerformanceTarget, Project } from '../src/lib/types.js';

const project = (id: number, name: string): Project => ({
  id, unitId: 'a', code: `JY2026-00${id}`, name, departmentId: 3, status: 'executing', functionalCode: '2050801', fundSourceCode: '11', totalAmount: 0,
  startYear: 2026, endYear: 2026, description: '', createdBy: null, createdAt: '', updatedAt: '',
});
const target = (projectId: number, name: string, value: string): PerformanceTarget => ({ id: projectId * 10, projectId, source: 'manual', targetRef: `T${projectId}`, name, value, createdAt: '' });

describe('cockpit performance traffic lights', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('lights execution against time progress and execution-rate targets against the actual rate', () => {
    expect([execLight(0.5, 0.55), execLight(0.5, 0.56), execLight(0.5, 0.65), execLight(0.5, 0.66), execLight(0.9, 0.5)]).to.deep.equal(['green', 'yellow', 'yellow', 'red', 'green']);
    expect(parseTarget('≥95%')).to.deep.equal({ op: '>=', pct: 95 });
    expect(parseTarget('不超过 3.5 %')).to.deep.equal({ op: '<=', pct: 3.5 });
    expect(parseTarget('按期完成')).to.equal(null);
    const t = (name: string, value: string) => target(1, name, value);
    expect(targetLight(t('预算执行率', '≥90%'), 0.92)).to.equal('green');
    expect(targetLight(t('预算执行率', '≥90%'), 0.85)).to.equal('yellow');
    expect(targetLight(t('预算执行率', '≥90%'), 0.5)).to.equal('red');
    expect(targetLight(t('培训满意度', '≥95%'), 0.1)).to.equal(null); // no actual in the core
    const rows = [
      indicator({ id: 1, projectId: 1, amount: 1000, paid: 900 }),
      indicator({ id: 2, projectId: 2, amount: 1000, paid: 800 }),
      indicator({ id: 3, projectId: 2, amount: 1000, paid: 800 }),
      indicator({ id: 4, projectId: null, amount: 1000, paid: 0 }),
    ];
    const lights = projectLights([project(1, '教师培训'), project(2, '信息化'), project(3, '未列入预算')], rows, new Map([[1, [t('资金执行率', '≥99%')]]]), 0.9);
    // project 1: execution on time (green) but its execution-rate target is 9 points short (yellow) → yellow; project 2 is 10 points behind → yellow
    expect(lights.map((l) => [l.project.id, l.light, l.amount, l.paid])).to.deep.equal([[2, 'yellow', 2000, 1600], [1, 'yellow', 1000, 900]]);
    expect(lights[1]!.targets.map((x) => x.light)).to.deep.equal(['yellow']);
  });

  it('shows a light per project with its targets on the cockpit', async () => {
    const year = new Date().getFullYear();
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: [indicator({ id: 1, year, projectId: 1, amount: 1000000, paid: 0 }), indicator({ id: 2, year, projectId: 2, amount: 1000000, paid: 1000000 })] },
      'GET /api/units/a/payments': { body: [] },
      'GET /api/units/a/three-public-caps': { body: [] },
      'GET /api/units/a/approvals/inbox': { body: [] },
      'GET /api/units/a/time-progress': { body: timeProgressAnswer({ year, value: 0.5, completedMonths: 6, asOf: `${year}-06-30` }) },
      'GET /api/units/a/projects': { body: [project(1, '教师培训项目'), project(2, '教育信息化建设')] },
      'GET /api/units/a/projects/1/targets': { body: [target(1, '培训人次', '≥3000人次')] },
      'GET /api/units/a/projects/2/targets': { body: [target(2, '预算执行率', '≥90%')] },
    });
    const el = await fixture<UbCockpitPage>(html`<ub-cockpit-page .ctx=${ctx({ roles: ['leader'], departmentId: null })}></ub-cockpit-page>`);
    await until(() => el.perf.length === 2);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const row2 = root.querySelector('tr[data-project="2"]')!;
    expect(row2.getAttribute('data-light')).to.equal('green');
    expect(row2.textContent).to.contain('预算执行率：≥90%');
    expect(row2.textContent).to.contain('100.0%');
    const row1 = root.querySelector('tr[data-project="1"]')!;
    // nothing paid: judged by the core's time progress alone (the other target has no actual): 50 points behind → red
    expect(row1.getAttribute('data-light')).to.equal('red');
    expect(root.querySelectorAll('tbody tr[data-project]')[0]!.getAttribute('data-project')).to.equal('1'); // worst light, then lowest execution, first
    expect(row1.textContent).to.contain('培训人次：≥3000人次');
    expect(row1.textContent).to.contain('暂无实际值');
  });
});
