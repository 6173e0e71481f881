import crypto from 'node:crypto';
import nodeFs from 'node:fs';
import path from 'node:path';

/**
 * The one module in server/ that writes durably. Every write here writes all of its bytes or
 * throws; nothing is reported written until it has been fsync'd; a replaced file is replaced in
 * one rename, after its new content was read back, and the directory is fsync'd after the rename.
 *
 * Why each step: `fs.writeSync` may write fewer bytes than asked (a full disk does this), so a
 * single call can silently leave a cut-off file; fsync makes the bytes survive a power cut; the
 * rename makes the change all-or-nothing; fsync of the directory makes the rename itself durable.
 *
 * Every function takes the filesystem as its last argument (node:fs by default), so that tests can
 * inject ENOSPC, EIO and short writes through a filesystem layer of their own.
 */

/** The calls of node:fs this module makes. */
export type FsLayer = Pick<
  typeof nodeFs,
  | 'openSync' | 'closeSync' | 'writeSync' | 'fsyncSync' | 'ftruncateSync' | 'fstatSync' | 'readFileSync' | 'renameSync'
  | 'rmSync' | 'mkdirSync' | 'chmodSync' | 'existsSync' | 'truncateSync' | 'constants'
>;

/** Writes every byte of `data` at the file's current position (or `position`), or throws. */
export function writeAll(fd: number, data: Buffer, position: number | null = null, fs: FsLayer = nodeFs): void {
  let done = 0;
  while (done < data.length) {
    const n = fs.writeSync(fd, data, done, data.length - done, position === null ? null : position + done);
    if (n <= 0) throw Object.assign(new Error(`no room to write (${data.length - done} of ${data.length} bytes left unwritten)`), { code: 'ENOSPC' });
    done += n;
  }
}

/** fsync of a directory, so that a rename or a new file in it survives a power cut. */
export function fsyncDir(dir: string, fs: FsLayer = nodeFs): void {
  let d: number | null = null;
  try {
    d = fs.openSync(dir, 'r');
    fs.fsyncSync(d);
  } catch (e) {
    // Some filesystems refuse fsync on directories (EINVAL/EISDIR/EPERM): the rename is still atomic.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw e;
  } finally {
    if (d !== null) fs.closeSync(d);
  }
}

/** Creates (or truncates) `file`, writes all of `data` and fsyncs it. No rename: for files inside a folder that is renamed into place afterwards. */
export function writeFileSynced(file: string, data: Buffer | string, mode = 0o644, fs: FsLayer = nodeFs): void {
  const fd = fs.openSync(file, 'w', mode);
  try {
    writeAll(fd, typeof data === 'string' ? Buffer.from(data) : data, null, fs);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `file` in full, fsyncs it, and reads it back: throws unless the disk holds exactly `data`. */
export function writeFileVerified(file: string, data: Buffer, mode = 0o644, fs: FsLayer = nodeFs): void {
  writeFileSynced(file, data, mode, fs);
  const back = fs.readFileSync(file) as Buffer;
  if (!back.equals(data)) throw new Error(`${file} did not read back as written (${back.length} of ${data.length} bytes)`);
}

/**
 * Replaces `file` with `data` atomically and durably: a temporary file beside it is written in full,
 * fsync'd, read back and compared, then renamed over `file`, and the directory fsync'd. On any
 * failure the old file is untouched and the temporary one removed.
 */
export function replaceFileDurably(file: string, data: Buffer | string, opts: { mode?: number } = {}, fs: FsLayer = nodeFs): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileVerified(tmp, bytes, opts.mode ?? 0o644, fs);
    if (opts.mode !== undefined) fs.chmodSync(tmp, opts.mode);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* leave it: a later start removes nothing it does not know, and the old file is intact */
    }
    throw e;
  }
  fsyncDir(dir, fs);
}

/** Renames `from` to `to` (a file or a folder) and fsyncs the destination's directory. */
export function renameDurably(from: string, to: string, fs: FsLayer = nodeFs): void {
  fs.renameSync(from, to);
  fsyncDir(path.dirname(to), fs);
}

/**
 * An append-only file whose appends are all-or-nothing: a failed append (disk full, I/O error) is
 * cut back off, so the file never keeps half a record, and the error is thrown to the caller.
 */
export class DurableAppender {
  private fd: number | null = null;
  private bytes = 0;

  constructor(
    readonly file: string,
    private readonly fs: FsLayer = nodeFs,
  ) {}

  /** Current length of the file in bytes. */
  get size(): number {
    this.open();
    return this.bytes;
  }

  append(data: Buffer | string): void {
    const fd = this.open();
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    try {
      writeAll(fd, bytes, this.bytes, this.fs);
      this.fs.fsyncSync(fd);
    } catch (e) {
      try {
        this.fs.ftruncateSync(fd, this.bytes);
        this.fs.fsyncSync(fd);
      } catch {
        // The cut failed too: close, so that the next append re-reads the real length.
        this.close();
      }
      throw e;
    }
    this.bytes += bytes.length;
  }

  /** Empties the file (durably). */
  truncate(): void {
    const fd = this.open();
    this.fs.ftruncateSync(fd, 0);
    this.fs.fsyncSync(fd);
    this.bytes = 0;
  }

  close(): void {
    if (this.fd !== null) this.fs.closeSync(this.fd);
    this.fd = null;
  }

  private open(): number {
    if (this.fd === null) {
      this.fd = this.fs.openSync(this.file, this.fs.constants.O_RDWR | this.fs.constants.O_CREAT, 0o644);
      this.bytes = this.fs.fstatSync(this.fd).size;
    }
    return this.fd;
  }
}
