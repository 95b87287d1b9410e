export interface RouterRoute {
  readonly method: string;
  readonly path: string;
}

const BRANCH = /(?:├── |└── )/;
const NODE = /^(.*?)(?: \(([A-Z]+(?:, [A-Z]+)*)\))?(?: \{.*\})?$/;

/**
 * Reads the routes of a Fastify server from `printRoutes()` (the radix-tree rendering of find-my-way, the only
 * public listing Fastify offers once routes are registered). Each line is a tree node: its depth is the position
 * of its branch marker / 4, its path the concatenation of its ancestors' segments.
 */
export function parseRouterTree(rendered: string): RouterRoute[] {
  const routes: RouterRoute[] = [];
  const prefixes: string[] = [];
  for (const line of rendered.split('\n')) {
    const branch = BRANCH.exec(line);
    if (branch === null) continue;
    const depth = branch.index / 4;
    const match = NODE.exec(line.slice(branch.index + 4));
    if (match === null) continue;
    const path = (depth > 0 ? (prefixes[depth - 1] ?? '') : '') + (match[1] ?? '');
    prefixes[depth] = path;
    prefixes.length = depth + 1;
    if (match[2] !== undefined) for (const method of match[2].split(', ')) routes.push({ method, path });
  }
  return routes;
}
