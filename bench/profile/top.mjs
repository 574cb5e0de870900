// The top self-time functions of the newest .cpuprofile in a directory: node bench/profile/top.mjs DIR [N]
import fs from 'node:fs';
import path from 'node:path';
const dir = process.argv[2];
const n = Number(process.argv[3] || 25);
// The largest profile is the main thread (the loader worker writes a small one beside it).
const file = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const self = new Map();
const byId = new Map(prof.nodes.map((node) => [node.id, node]));
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++) dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
let total = 0;
for (const [id, us] of dt) {
  const node = byId.get(id);
  const f = node.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + us);
  total += us;
}
console.log(`${path.basename(file)}: ${(total / 1000).toFixed(0)} ms sampled`);
for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
