/** zh-CN messages of issue 17's host additions (the `shared.read` permission; merged by messages-zh.ts). */
export const zhPerformance = {
  perm_name_shared_read: '读取其他插件共享的数据',
  perm_desc_shared_read: '只读访问本单位已启用插件声明共享的数据集合（如分析插件的项目进度记录），不能修改，也看不到其他单位的数据',
};
