import { AbilityFactory, DEMO_API_KEYS, collectRoutePermissions, loadPolicyFile } from '@kairos/access';
import { atmPinFailedEvent, requestJson } from '@kairos/testing';
import { useInProcessPlatform } from './testing/in-process-platform';

/**
 * Reliability test Z1 on the real platform application: routes enumerated from the Nest router (not a hand list)
 * × every role's demo key × bad credentials; the expected answer comes from the policy file itself.
 */
describe('Z1: every route of the platform is guarded as the policy says', () => {
  const platform = useInProcessPlatform('z1');

  it('has no route without a declared permission or outside the guard', () => {
    const routes = collectRoutePermissions(platform.app());
    expect(routes.length).toBeGreaterThanOrEqual(6);
    expect(routes.filter((route) => route.permission === null || route.handler === null)).toEqual([]);
  });

  it('answers 401 / 403 / allowed exactly as the policy says for every route and role', async () => {
    const abilities = new AbilityFactory(loadPolicyFile());
    const routes = collectRoutePermissions(platform.app());
    const mismatches: string[] = [];
    let tried = 0;
    for (const route of routes) {
      const path = route.path.replace(/:[A-Za-z]+/g, 'z1-missing');
      const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? { ...atmPinFailedEvent('z1-customer') } : undefined;
      for (const bad of [undefined, 'Basic ZGVtbzpkZW1v', 'Bearer', 'Bearer kairos_unknown_key_0000000000000000000000000000']) {
        const headers: Record<string, string> = bad === undefined ? {} : { authorization: bad };
        const response = await fetch(`${platform.baseUrl()}${path}`, { method: route.method, headers: { ...headers, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
        tried++;
        if (response.status !== 401) mismatches.push(`${route.method} ${route.path} with ${bad ?? 'no header'}: ${response.status}`);
      }
      for (const demo of DEMO_API_KEYS) {
        const principal = { id: demo.principalId, role: demo.role, kind: 'api-key' as const, ...(demo.channel ? { channel: demo.channel } : {}) };
        const allowed = abilities.abilityFor(principal).can(route.permission!.action, route.permission!.subject);
        const response = await requestJson(platform.baseUrl(), route.method, path, { apiKey: demo.key, body: body && { ...body, id: `${body.id}-${demo.key}` } });
        tried++;
        const denied = response.status === 401 || response.status === 403;
        if (allowed === denied || (!allowed && response.status !== 403)) mismatches.push(`${route.method} ${route.path} as ${demo.key}: ${response.status}, policy ${allowed ? 'allows' : 'denies'}`);
      }
    }
    expect(mismatches).toEqual([]);
    process.stdout.write(`Z1: ${tried} tried, ${tried} held over ${routes.length} routes (platform app)\n`);
  });
});
