// `npm pack` / `npm publish` of sdk/ itself would ship the TypeScript sources with exports that only
// this repository's tools understand. The package is built into its own folder and packed from there.
console.error(`@unibudget/sdk: this folder holds the sources; pack the built package instead:
  npm run build -w @unibudget/sdk     (writes sdk/dist: package.json, README.md, lib/)
  npm pack ./sdk/dist                 (or: npm publish ./sdk/dist)`);
process.exit(1);
