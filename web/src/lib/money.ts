// Money on screen follows the one definition shared with the core and plugins.
export { formatFen, parseYuan, percent, ratio, type ParseResult } from '@unibudget/sdk/contracts/money';
export { moneyUnit, moneyUnitText, type MoneyUnit } from './money-unit.js';
