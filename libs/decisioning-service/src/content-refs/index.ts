/**
 * Content ref bindings over HTTP (issue 5): `GET /v1/content-refs` lists every content reference of the action
 * catalog with its bound draft and the revision a decision would serve now; `PUT /v1/content-refs/:ref` lets a
 * content reviewer bind a reference to an approved, unexpired draft, audited. The bindings themselves
 * (ContentRefBindings) live with the decision core in ../decisions.
 */
export * from './content-ref-usage';
export * from './content-ref-requests';
export * from './content-ref-directory';
export * from './content-refs.controller';
export * from './content-refs.module';
