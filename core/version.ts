/** Version of the core and of the host API it offers to plugins. */
export const VERSION = '0.1.0';
