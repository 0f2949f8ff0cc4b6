// Bundle the console (JsSIP included: its npm package ships no browser build) into dist/:
// index.html, console.js, console.css, and the wallboard's. No CDN: the pages work offline.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';

const here = new URL('.', import.meta.url).pathname;
const dist = `${here}dist`;

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [`${here}src/console.js`, `${here}src/console.css`,
    `${here}src/wallboard.js`, `${here}src/wallboard.css`],
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'iife',
  platform: 'browser',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: dist,
  entryNames: '[name]',
  logLevel: 'warning',
});
await copyFile(`${here}src/index.html`, `${dist}/index.html`);
await copyFile(`${here}src/wallboard.html`, `${dist}/wallboard.html`);
console.log('console and wallboard built in web_softphone/dist');
