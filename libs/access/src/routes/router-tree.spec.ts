import { parseRouterTree } from './router-tree';

describe('parseRouterTree', () => {
  it('rebuilds full paths and methods from the radix-tree rendering', () => {
    const rendered = [
      '└── /',
      '    ├── raw (GET, HEAD)',
      '    ├── api/',
      '    │   ├── x (POST, GET, HEAD)',
      '    │   │   └── /',
      '    │   │       └── :id',
      '    │   │           └── /trace (GET, HEAD)',
      '    │   └── v1/events/',
      '    │       ├── :id (GET, HEAD)',
      '    │       └── * (GET, HEAD)',
      '    └── health (GET, HEAD)',
      '',
    ].join('\n');
    expect(parseRouterTree(rendered)).toEqual([
      { method: 'GET', path: '/raw' },
      { method: 'HEAD', path: '/raw' },
      { method: 'POST', path: '/api/x' },
      { method: 'GET', path: '/api/x' },
      { method: 'HEAD', path: '/api/x' },
      { method: 'GET', path: '/api/x/:id/trace' },
      { method: 'HEAD', path: '/api/x/:id/trace' },
      { method: 'GET', path: '/api/v1/events/:id' },
      { method: 'HEAD', path: '/api/v1/events/:id' },
      { method: 'GET', path: '/api/v1/events/*' },
      { method: 'HEAD', path: '/api/v1/events/*' },
      { method: 'GET', path: '/health' },
      { method: 'HEAD', path: '/health' },
    ]);
  });

  it('reads the root route and ignores lines that are not nodes', () => {
    expect(parseRouterTree('└── / (GET)\n(no routes)\n')).toEqual([{ method: 'GET', path: '/' }]);
  });
});
