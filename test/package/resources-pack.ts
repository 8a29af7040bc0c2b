import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { must, run } from './processes.js';

/**
 * Builds and packs burrowjs **outside the working tree**, and caches the tarball by
 * the content of what went into it.
 *
 * new-user.test.ts runs `npm run build` in the repository, which deletes and rewrites
 * `dist/`: packing from there while vitest runs that file in another worker (or while
 * another engineer builds) could pack half a `dist/`. Here the repository is copied to
 * a staging folder (what the build and `npm pack` read: everything but node_modules,
 * .git, outputs, and the folders that are neither compiled nor shipped), with a link
 * to the repository's node_modules, and built there by the package's own `build`
 * script: the same relative paths, so the same `dist/` (source maps included). Then
 * `npm pack --ignore-scripts`, as new-user.test.ts does, so `files` decides what ships.
 *
 * The cache key is a hash of every staged file (package-lock.json included, so a new
 * TypeScript rebuilds): a second run with unchanged sources skips the ~8 s build.
 * `BURROW_PACK_FRESH=1` ignores the cache.
 */
const CACHE = path.join(tmpdir(), 'burrowjs-resources-test-tarball');
const SKIPPED_TOP = new Set(['node_modules', '.git', 'dist', 'coverage', '.burrow-cache', 'test', 'bench', 'example-app']);

export interface Packed {
  /** The tarball, copied into `into`. */
  tarball: string;
  /** The files the tarball holds (package-relative), as `npm pack --json` lists them. */
  files: string[];
  /** True when the tarball came from the cache. */
  cached: boolean;
}

function staged(repo: string, file: string): boolean {
  const relative = path.relative(repo, file);
  if (!relative) return true;
  const [top] = relative.split(path.sep);
  if (SKIPPED_TOP.has(top!) || top!.startsWith('.scratch')) return false;
  return !relative.endsWith('.log') && !relative.split(path.sep).includes('node_modules');
}

function hashTree(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) hash.update(path.relative(root, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(root);
  return hash.digest('hex').slice(0, 24);
}

export async function packBurrow(repo: string, into: string): Promise<Packed> {
  const stage = mkdtempSync(path.join(tmpdir(), 'burrowjs-stage-'));
  try {
    cpSync(repo, stage, { recursive: true, filter: (source) => staged(repo, source) });
    const key = hashTree(stage);
    const cachedTarball = path.join(CACHE, `${key}.tgz`);
    const cachedFiles = path.join(CACHE, `${key}.json`);
    const tarball = path.join(into, 'burrowjs.tgz');
    if (!process.env.BURROW_PACK_FRESH && existsSync(cachedTarball) && existsSync(cachedFiles)) {
      copyFileSync(cachedTarball, tarball);
      return { tarball, files: JSON.parse(readFileSync(cachedFiles, 'utf8')) as string[], cached: true };
    }

    symlinkSync(path.join(repo, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
    must(await run('npm', ['run', 'build'], stage));
    const out = mkdtempSync(path.join(tmpdir(), 'burrowjs-pack-'));
    try {
      const pack = must(await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], stage));
      const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
      const files = info!.files.map((f) => f.path);
      copyFileSync(path.join(out, info!.filename), tarball);

      // One key in the cache at a time; written under temporary names, then renamed.
      rmSync(CACHE, { recursive: true, force: true });
      mkdirSync(CACHE, { recursive: true });
      writeFileSync(`${cachedFiles}.tmp`, JSON.stringify(files));
      copyFileSync(tarball, `${cachedTarball}.tmp`);
      renameSync(`${cachedFiles}.tmp`, cachedFiles);
      renameSync(`${cachedTarball}.tmp`, cachedTarball);
      return { tarball, files, cached: false };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
