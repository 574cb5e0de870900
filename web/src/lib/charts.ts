/**
 * ECharts, loaded only by the cockpit (a separate chunk): the modular core with the two chart types
 * the cockpit draws and the canvas renderer.
 */
import * as echarts from 'echarts/core';
import { BarChart, GaugeChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent, MarkLineComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GaugeChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

export type Chart = echarts.ECharts;
export type Option = echarts.EChartsCoreOption;

export function draw(el: HTMLElement, option: Option, existing?: Chart): Chart {
  const chart = existing ?? echarts.init(el, undefined, { renderer: 'canvas' });
  chart.setOption(option, true);
  return chart;
}
