// The renderer API is a contract between two programs: any change to it must show up as a diff
// in review. This test writes the whole surface (methods, params, results, events) as JSON Schema
// and compares it with the committed snapshot.
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { apiEvents, apiMethods } from '../../../shared/api';
import { agentMethods } from '../../../shared/protocol';

function surface(methods: Record<string, { params: z.ZodMiniType; result: z.ZodMiniType }>, events: Record<string, z.ZodMiniType>) {
  return {
    methods: Object.fromEntries(
      Object.entries(methods).map(([name, m]) => [
        name,
        { params: z.toJSONSchema(m.params, { io: 'input' }), result: z.toJSONSchema(m.result) },
      ]),
    ),
    events: Object.fromEntries(Object.entries(events).map(([name, s]) => [name, z.toJSONSchema(s)])),
  };
}

describe('typed contracts', () => {
  it('renderer API surface matches the snapshot', async () => {
    await expect(JSON.stringify(surface(apiMethods, apiEvents), null, 2)).toMatchFileSnapshot('./__snapshots__/api-surface.json');
  });
  it('agent protocol surface matches the snapshot', async () => {
    await expect(JSON.stringify(surface(agentMethods, {}), null, 2)).toMatchFileSnapshot('./__snapshots__/agent-protocol.json');
  });
});
