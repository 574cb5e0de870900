import { HOST_API_VERSION } from '../../sdk/manifest.js';

/** The host API version this core provides (UNIBUDGET_PLUGIN_HOST_API overrides it to simulate a core upgrade). */
export function hostApiVersion(): string {
  return process.env.UNIBUDGET_PLUGIN_HOST_API || HOST_API_VERSION;
}
