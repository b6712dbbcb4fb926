import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
} from 'node:fs';
import { join } from 'node:path';

const OWNER_ONLY_DIR = 0o700;
const OWNER_ONLY_FILE = 0o600;

function isGone(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'ENOENT' || code === 'ELOOP' || code === 'ENXIO';
}

/**
 * Sets one directory or regular file to owner-only; true if its mode changed. The mode is
 * changed through a descriptor opened with O_NOFOLLOW, so a path swapped for a symbolic
 * link between looking and changing is never followed out of the directory.
 */
function restrictOne(path: string, directory: boolean): boolean {
  const wanted = directory ? OWNER_ONLY_DIR : OWNER_ONLY_FILE;
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory() !== directory || (stat.mode & 0o777) === wanted) return false;
    fchmodSync(fd, wanted);
    return true;
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes an embedded data directory and everything in it owner-only: directories 0700,
 * files 0600, whatever they were before (a directory created by hand, a restored backup,
 * or PGlite itself, which creates its files 0666). Symbolic links, sockets and other special
 * files are left alone and never followed. Returns the paths whose mode was changed.
 */
export function restrictToOwner(root: string): string[] {
  const changed: string[] = [];
  const visit = (path: string) => {
    try {
      const stat = lstatSync(path);
      if (!stat.isDirectory() && !stat.isFile()) return;
      if (restrictOne(path, stat.isDirectory())) changed.push(path);
      if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    } catch (error) {
      // PGlite may remove a temporary file while we walk; anything else is a real problem.
      if (!isGone(error)) throw error;
    }
  };
  visit(root);
  return changed;
}
