// Turns tsconfig "paths" (exact aliases only, which is all we use) into jest moduleNameMapper entries.
exports.pathsToModuleNameMapper = function pathsToModuleNameMapper(paths, rootDir) {
  const mapper = {};
  for (const [alias, targets] of Object.entries(paths)) {
    const escaped = alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    mapper[`^${escaped}$`] = `${rootDir}/${targets[0]}`;
  }
  return mapper;
};
