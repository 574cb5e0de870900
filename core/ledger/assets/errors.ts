import { defineErrors, type ErrorSpec } from '../../errors.js';

export { AppError } from '../../errors.js';

/** Error codes of the asset register (资产卡片, 折旧年限). */
export const ASSET_ERRORS = defineErrors({
  ASSET_NOT_FOUND: { status: 404, zh: '资产卡片不存在', en: 'Asset card not found' },
  ASSET_DEPRECIATION_STARTED: {
    status: 409,
    zh: '资产已开始计提折旧（摊销），{fields} 不能再修改',
    en: 'Depreciation (amortisation) of this asset has started; {fields} can no longer change',
  },
  ASSET_NOT_UNDER_CONSTRUCTION: { status: 409, zh: '只有在建工程可以转为固定资产', en: 'Only construction in progress can be completed into a fixed asset' },
  ASSET_CLASS_UNKNOWN: { status: 422, zh: '资产类别 {classCode} 不存在', en: 'Unknown asset class {classCode}' },
  ASSET_CLASS_ACCOUNT: {
    status: 422,
    zh: '资产类别 {classCode} 不适用于科目 {accountCode}',
    en: 'Asset class {classCode} does not fit account {accountCode}',
  },
  USEFUL_LIFE_BELOW_FLOOR: {
    status: 422,
    zh: '{className}的折旧年限不得低于 {floorMonths} 个月（政府固定资产折旧年限表：不低于 {floorYears} 年）',
    en: 'The useful life of {className} cannot be below {floorMonths} months (government fixed-asset table: at least {floorYears} years)',
  },
  USEFUL_LIFE_NOT_APPLICABLE: {
    status: 422,
    zh: '{className}不计提折旧，不能设定折旧年限',
    en: '{className} is not depreciated and takes no useful life',
  },
} as const satisfies Record<string, ErrorSpec>);

type AssetErrorTable = typeof ASSET_ERRORS;
declare module '../../errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends AssetErrorTable {}
}
