import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from './openapi.js';
import { allRoutes } from './registry.js';

/**
 * The API is a public contract: moving code around must not change it. The snapshot was taken from
 * the document served at /api/openapi.json; a deliberate API change updates it in the same commit
 * (`UPDATE_OPENAPI_SNAPSHOT=1 npx vitest run core/server/openapi.test.ts`).
 */
const SNAPSHOT = new URL('./openapi.snapshot.json', import.meta.url);

describe('OpenAPI document', () => {
  it('is identical to the committed snapshot', async () => {
    const document = JSON.parse(JSON.stringify(buildOpenApi(allRoutes)));
    if (process.env.UPDATE_OPENAPI_SNAPSHOT === '1') {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(SNAPSHOT, `${JSON.stringify(document, null, 1)}\n`);
    }
    expect(document).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  });
});
