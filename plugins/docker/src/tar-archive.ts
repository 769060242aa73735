import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { WorkspaceEntry } from '@icl/backend-kit';
import type tar from 'tar-stream';

/** One entry of an archive to create: a folder, a symbolic link, or a file from memory or from disk. */
/** An entry of an archive: what a run ships (see `workspaceEntries`). */
export type TarEntry = WorkspaceEntry;

/**
 * A tar archive of `entries`, as a stream, for the Docker API (build contexts, files copied into
 * containers). Files on disk are streamed, so shipping a large dataset does not load it into memory.
 * A file that cannot be read fails the stream, and so the upload, instead of producing a short archive.
 * tar-stream is loaded on first use, like dockerode, so creating the backend stays free.
 */
export async function createTarArchive(entries: readonly TarEntry[]): Promise<Readable> {
  const { default: tarStream } = await import('tar-stream');
  const pack = tarStream.pack();
  const mtime = new Date();
  void (async () => {
    for (const entry of entries) {
      if (entry.type === 'directory') {
        await addEntry(pack, { name: entry.name, type: 'directory', mode: entry.mode, mtime });
      } else if (entry.type === 'symlink') {
        await addEntry(pack, { name: entry.name, type: 'symlink', linkname: entry.target, mtime });
      } else if ('content' in entry) {
        await addEntry(pack, { name: entry.name, mode: entry.mode, mtime }, entry.content);
      } else {
        const { source, size } = entry;
        await new Promise<void>((resolve, reject) => {
          const sink = pack.entry({ name: entry.name, mode: entry.mode, size, mtime }, (error) =>
            error ? reject(error) : resolve(),
          );
          const file = createReadStream(source);
          file.on('error', reject);
          file.pipe(sink);
        });
      }
    }
    pack.finalize();
  })().catch((error: unknown) => pack.destroy(error as Error));
  // A Node.js stream over tar-stream's own kind, for http's pipe.
  return Readable.from(pack);
}

function addEntry(
  pack: tar.Pack,
  headers: tar.Header | (Pick<tar.Header, 'name'> & Partial<tar.Header>),
  content?: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const callback = (error?: Error | null) => (error ? reject(error) : resolve());
    if (content === undefined) pack.entry(headers, callback);
    else pack.entry(headers, content, callback);
  });
}

/** Starts loading tar-stream while other work goes on, so the archive is ready when it is needed. */
export function preloadTarArchive(): void {
  import('tar-stream').catch(() => {});
}

/**
 * The content of the first file in a tar stream (what `GET /containers/{id}/archive` returns for one
 * file), or undefined when the archive holds no file.
 */
export async function readFirstTarFile(stream: NodeJS.ReadableStream): Promise<Buffer | undefined> {
  const { default: tarStream } = await import('tar-stream');
  const extract = tarStream.extract();
  let content: Buffer | undefined;
  const reading = (async () => {
    for await (const entry of extract) {
      const parts: Buffer[] = [];
      for await (const part of entry) parts.push(part as Buffer);
      if (content === undefined && entry.header.type === 'file') content = Buffer.concat(parts);
    }
  })();
  stream.on('error', (error: Error) => extract.destroy(error));
  stream.pipe(extract);
  await reading;
  return content;
}
