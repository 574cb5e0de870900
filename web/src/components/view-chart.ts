import { html, css, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { t } from '../lib/i18n.js';
import type { Chart, Option } from '../lib/charts.js';
import type { ChartBlock } from './view-spec.js';

/** True when a chart block has nothing to draw. */
export function chartIsEmpty(b: ChartBlock): boolean {
  if (b.type === 'pie') return b.slices.length === 0 || b.slices.every((s) => s.value === 0);
  return b.x.length === 0 || b.series.every((s) => s.data.length === 0);
}

/** A one-line text of the chart's data: the accessible name of the canvas (and what tests read). */
export function chartSummary(b: ChartBlock): string {
  if (b.type === 'pie') return b.slices.map((s) => `${s.label} ${s.value}`).join('，');
  return b.series.map((s) => `${s.name}: ${s.data.map((v, i) => `${b.x[i] ?? i} ${v}`).join('，')}`).join('；');
}

export function chartOption(b: ChartBlock): Option {
  const palette = ['#1d5fbf', '#c27c0e', '#137333', '#b42318', '#6941c6', '#0e7490', '#667085'];
  if (b.type === 'pie') {
    return {
      color: palette,
      tooltip: { trigger: 'item' },
      legend: { bottom: 0, type: 'scroll' },
      series: [{ type: 'pie', radius: ['35%', '65%'], data: b.slices.map((s) => ({ name: s.label, value: s.value })) }],
    };
  }
  return {
    color: palette,
    tooltip: { trigger: 'axis' },
    legend: { bottom: 0, type: 'scroll' },
    // containLabel and hideOverlap: readable axes at a phone's width (labels inside the chart, none drawn over another).
    grid: { left: 8, right: 16, top: 16, bottom: 40, containLabel: true },
    xAxis: { type: 'category', data: b.x.map(String), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', axisLabel: { hideOverlap: true } },
    series: b.series.map((s) => ({
      type: b.type,
      name: s.name,
      data: s.data,
      ...(b.type === 'bar' && b.stacked ? { stack: 'total' } : {}),
      ...(b.type === 'line' ? { smooth: false, showSymbol: s.data.length < 60 } : {}),
    })),
  };
}

/** Line, bar and pie blocks, drawn with ECharts (loaded on first use). */
@customElement('ub-view-chart')
export class UbViewChart extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .chart { width: 100%; height: 300px; }
  `];

  @property({ attribute: false }) block!: ChartBlock;
  @state() failed = '';
  @query('.chart') private box?: HTMLDivElement;
  private chart?: Chart;
  private resize = new ResizeObserver(() => this.chart?.resize());

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize.disconnect();
    this.chart?.dispose();
    this.chart = undefined;
  }

  override updated(changed: Map<string, unknown>) {
    if (!changed.has('block')) return;
    // A chart whose box left the DOM (the block went empty in between) cannot be reused.
    if (this.chart && this.chart.getDom() !== this.box) {
      this.chart.dispose();
      this.chart = undefined;
      this.resize.disconnect();
    }
    if (this.box && !chartIsEmpty(this.block)) void this.draw();
  }

  private async draw() {
    try {
      const { draw } = await import('./plugin-chart-lib.js');
      if (!this.box) return;
      const first = !this.chart;
      this.chart = draw(this.box, chartOption(this.block), this.chart);
      if (first) this.resize.observe(this.box);
    } catch (e) {
      this.failed = (e as Error).message;
    }
  }

  override render() {
    if (!this.block) return nothing;
    if (chartIsEmpty(this.block)) return html`<p class="muted" data-state="empty">${t('pv_noChartData')}</p>`;
    return html`${this.failed ? html`<p class="error" role="alert">${this.failed}</p>` : nothing}
      <div class="chart" role="img" aria-label=${chartSummary(this.block)}></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-view-chart': UbViewChart }
}
