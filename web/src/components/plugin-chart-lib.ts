/**
 * The chart types plugin views need on top of the cockpit's (line and pie), registered on the same
 * ECharts core; imported dynamically so ECharts stays out of the shell bundle.
 */
import * as echarts from 'echarts/core';
import { LineChart, PieChart } from 'echarts/charts';
import { TitleComponent } from 'echarts/components';
import { draw } from '../lib/charts.js';

echarts.use([LineChart, PieChart, TitleComponent]);

export { draw };
