import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { zipSync } from 'fflate';

/** The compiled folders the functions need; everything else in `dist/` (the emulators) stays out. */
export const RUNTIME_FOLDERS = ['dist/functions', 'dist/shared'] as const;

// one fixed time for every entry, so the same build always zips to the same bytes (zip cannot store 1970)
const FIXED_MTIME = new Date(Date.UTC(1980, 0, 2));

interface LockPackage {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockPackage>;
}

interface Manifest {
  name: string;
  version: string;
  description?: string;
  type?: string;
  engines?: Record<string, string>;
  main: string;
  dependencies: Record<string, string>;
}

/** Where npm would find `name` from the package installed at `from` (its own node_modules, then upwards). */
function resolveFrom(packages: Record<string, LockPackage>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/**
 * The lockfile of the production install: the root entry with only `dependencies`, and every package those
 * reach (their dependencies, optional dependencies and required peers, resolved the way npm lays them out).
 * `npm ci` accepts it with the generated manifest, and installs exactly the versions the repository locks.
 */
export function productionLockfile(lock: Lockfile, manifest: Manifest): Lockfile {
  const packages = lock.packages;
  const keep = new Set<string>();
  const visit = (from: string, deps: Record<string, string>, optional: Set<string>) => {
    for (const name of Object.keys(deps)) {
      const at = resolveFrom(packages, from, name);
      if (!at) {
        if (optional.has(name)) continue;
        throw new Error(`package-lock.json has no entry for ${name} (needed by ${from || 'the root'})`);
      }
      if (keep.has(at)) continue;
      keep.add(at);
      const pkg = packages[at]!;
      const optionalPeers = Object.entries(pkg.peerDependenciesMeta ?? {})
        .filter(([, meta]) => meta.optional)
        .map(([n]) => n);
      const requiredPeers = Object.fromEntries(
        Object.entries(pkg.peerDependencies ?? {}).filter(([n]) => !optionalPeers.includes(n)),
      );
      visit(
        at,
        { ...pkg.dependencies, ...pkg.optionalDependencies, ...requiredPeers },
        new Set(Object.keys(pkg.optionalDependencies ?? {})),
      );
    }
  };
  visit('', manifest.dependencies, new Set());
  const out: Record<string, LockPackage> = {
    '': {
      name: manifest.name,
      version: manifest.version,
      dependencies: manifest.dependencies,
      ...(manifest.engines ? { engines: manifest.engines } : {}),
    },
  };
  for (const key of [...keep].sort()) {
    const { dev: _dev, devOptional: _devOptional, ...entry } = packages[key]!;
    out[key] = entry;
  }
  return {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: lock.lockfileVersion,
    requires: true,
    packages: out,
  };
}

/**
 * The archive's package.json: the runtime dependencies and `main` of the repository's, and an empty
 * `gcp-build` script, so the Cloud Functions Node.js buildpack runs `npm ci` and no build of its own (the
 * archive carries the compiled JavaScript; its sources and compiler are not in it).
 */
export function productionManifest(
  pkg: Manifest & Record<string, unknown>,
): Manifest & { scripts: Record<string, string> } {
  return {
    name: pkg.name,
    version: pkg.version,
    ...(pkg.description ? { description: pkg.description } : {}),
    private: true,
    ...(pkg.type ? { type: pkg.type } : {}),
    ...(pkg.engines ? { engines: pkg.engines } : {}),
    main: pkg.main,
    scripts: { 'gcp-build': '' },
    dependencies: pkg.dependencies,
  } as Manifest & { scripts: Record<string, string> };
}

function filesUnder(root: string, folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /\.(js|js\.map|json)$/.test(entry.name)) out.push(path);
    }
  };
  walk(join(root, folder));
  return out.map((p) => relative(root, p).split(sep).join('/'));
}

/** The function source archive: its bytes, their SHA-256 and the entries it holds. */
export interface FunctionSource {
  zip: Uint8Array;
  sha256: string;
  /** `function-source-<first 16 hex of the sha256>.zip`: a changed build gets a new object, an unchanged one the same. */
  objectName: string;
  entries: string[];
}

/**
 * Builds the archive terraform uploads from a built checkout (`npm run build` first): `package.json` and
 * `package-lock.json` for production, and the compiled `dist/functions` and `dist/shared`. Deterministic:
 * entries sorted, one fixed timestamp, so identical builds give identical bytes.
 */
export function buildFunctionSource(root: string): FunctionSource {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const manifest = productionManifest(pkg);
  const main = join(root, manifest.main);
  if (!statSync(main, { throwIfNoEntry: false })?.isFile())
    throw new Error(`${manifest.main} is missing: run \`npm run build\` first`);
  const files: Record<string, Uint8Array> = {
    'package.json': Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    'package-lock.json': Buffer.from(`${JSON.stringify(productionLockfile(lock, manifest), null, 2)}\n`),
  };
  for (const folder of RUNTIME_FOLDERS) {
    for (const file of filesUnder(root, folder)) files[file] = readFileSync(join(root, file));
  }
  const entries = Object.keys(files).sort();
  const zip = zipSync(
    Object.fromEntries(entries.map((name) => [name, [files[name]!, { mtime: FIXED_MTIME }]])),
    { level: 9, mtime: FIXED_MTIME },
  );
  const sha256 = createHash('sha256').update(zip).digest('hex');
  return { zip, sha256, objectName: `function-source-${sha256.slice(0, 16)}.zip`, entries };
}
