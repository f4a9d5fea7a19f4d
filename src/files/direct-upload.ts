/**
 * The streaming side of a direct upload (`POST /files/upload`): the request is read with busboy
 * as it arrives, never buffered whole nor written to disk. The form may hold the target fields,
 * then exactly one part named `file`; anything else is refused (upload-form.ts). The file part
 * is handed to a handler (FilesService) with an AbortSignal that fires on the first problem:
 * the file over the limit, a field or a second file after it, a truncated body, a client that
 * went away. The request then succeeds only when the handler did and the form ended cleanly.
 */
import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { FILE_PART, uploadLimits, uploadProblems } from './upload-form';

/** The file part as the handler gets it. */
export interface IncomingFile {
  /** The form fields that came before the file, in order. */
  fields: [name: string, value: string][];
  /** The client's name of the file (raw: clean it before use). */
  filename: string;
  /** The file's bytes; read it to the end (or fail), or the form stops. */
  stream: Readable;
}

export type FileHandler<T> = (file: IncomingFile, signal: AbortSignal) => Promise<T>;

/**
 * Reads the multipart request `request` and gives its one file part to `handle`. Resolves with
 * the handler's result once the handler and the form are both done. On the first problem the
 * signal given to the handler aborts (with that problem as its reason), the rest of the body is
 * drained, and, once the handler has settled (its clean-up done), the problem is thrown.
 */
export async function receiveSingleFile<T>(
  request: Request,
  maxFileSize: number,
  handle: FileHandler<T>,
): Promise<T> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: request.headers, limits: uploadLimits(maxFileSize) });
  } catch {
    throw uploadProblems.notMultipart();
  }
  const controller = new AbortController();
  const fields: [string, string][] = [];
  let fileSeen = false;
  let handled: Promise<T> | undefined;

  const parsed = new Promise<void>((resolve, reject) => {
    const fail = (problem: unknown) => {
      if (controller.signal.aborted) return;
      controller.abort(problem);
      reject(problem);
    };
    parser.on('field', (name, value, info) => {
      if (fileSeen) return fail(uploadProblems.fieldAfterFile(name));
      if (info.nameTruncated || info.valueTruncated) return fail(uploadProblems.fieldTooLong(name));
      fields.push([name, value]);
    });
    parser.on('file', (name, stream, info) => {
      if (fileSeen) {
        stream.resume();
        return fail(uploadProblems.twoFiles());
      }
      fileSeen = true;
      if (name !== FILE_PART) {
        stream.resume();
        return fail(uploadProblems.wrongPartName(name));
      }
      stream.on('limit', () => fail(uploadProblems.tooLarge(maxFileSize)));
      // busboy destroys the part with an error when the form breaks: the form's error says more.
      stream.on('error', () => undefined);
      handled = handle(
        { fields: [...fields], filename: info.filename ?? '', stream },
        controller.signal,
      );
      handled.catch(fail);
    });
    parser.on('filesLimit', () => fail(uploadProblems.twoFiles()));
    parser.on('fieldsLimit', () => fail(uploadProblems.tooManyFields()));
    parser.on('partsLimit', () => fail(uploadProblems.tooManyFields()));
    parser.on('error', (error: Error) =>
      fail(uploadProblems.malformed(error.message.toLowerCase())),
    );
    parser.on('close', () => (fileSeen ? resolve() : fail(uploadProblems.missingFile())));
    request.on('close', () => {
      if (request.complete) return;
      const problem = uploadProblems.malformed('the request ended before its body did');
      fail(problem);
      // A stalled part waits for data that will never come: end it with the problem.
      parser.destroy(problem);
    });
  });

  request.pipe(parser);
  try {
    await parsed;
    return await handled!;
  } catch (problem) {
    controller.abort(problem);
    request.unpipe(parser);
    // What the client still sends is read and dropped, so that it can read the answer.
    request.resume();
    await handled?.catch(() => undefined);
    throw controller.signal.reason;
  }
}

/**
 * Reads the first `bytes` bytes of `stream` (fewer when it ends first) without losing any:
 * the rest stays in the stream. Resolves with what was read and whether the stream ended.
 */
export function readHead(
  stream: Readable,
  bytes: number,
): Promise<{ head: Buffer; ended: boolean }> {
  if (stream.readableEnded) return Promise.resolve({ head: Buffer.alloc(0), ended: true });
  if (stream.destroyed) return Promise.reject(new Error('the stream was destroyed'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: { head: Buffer; ended: boolean } | Error) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', done);
      stream.off('close', onClose);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while (size < bytes && (chunk = stream.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        size += chunk.length;
      }
      if (size >= bytes) done({ head: Buffer.concat(chunks), ended: false });
    };
    const onEnd = () => done({ head: Buffer.concat(chunks), ended: true });
    const onClose = () => done(new Error('the stream closed before its end'));
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('error', done);
    stream.once('close', onClose);
  });
}
