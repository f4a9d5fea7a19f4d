/**
 * The names a document is offered under: in a download's Content-Disposition and as an entry of
 * an application's documents.zip. Pure.
 */
import { cleanFileName, extensionOf } from './file-names';
import { FILE_KINDS } from './file-types';

export interface NamedFile {
  /** The stored name (`{uuid}{ext}`): its extension is the detected type's. */
  filename: string;
  /** The sniffed type: the offered name's extension must be one of its family. */
  mimeType: string;
  originalFilename: string;
  displayName: string | null;
}

/**
 * The display name when there is one, else the original name; cleaned (no path, no control
 * characters); a name whose extension is not of the file's type gets the stored file's
 * ("ID card" → "ID card.jpg", "scan.exe" → "scan.exe.jpg"), so that the download opens with
 * the right program and never as another kind of file.
 */
export function downloadName(file: NamedFile): string {
  const storedExtension = extensionOf(file.filename);
  const name = cleanFileName(file.displayName?.trim() || file.originalFilename, storedExtension);
  const family: readonly string[] = Object.values(FILE_KINDS).find(
    (kind) => kind.mime === file.mimeType,
  )?.family ?? [storedExtension];
  return family.includes(extensionOf(name)) ? name : `${name}${storedExtension}`;
}

export interface FolderNode {
  id: string;
  name: string;
  parentId: string | null;
}

/**
 * The path of each folder from its application's root (`borrower-documents/ID cards`), each
 * segment cleaned like a file name. A parent that is missing from `folders`, or a cycle, ends the
 * path where it is.
 */
export function folderPaths(folders: FolderNode[]): Map<string, string> {
  const byId = new Map(folders.map((folder) => [folder.id, folder]));
  const paths = new Map<string, string>();
  for (const folder of folders) {
    const segments: string[] = [];
    const seen = new Set<string>();
    for (
      let node: FolderNode | undefined = folder;
      node && !seen.has(node.id);
      node = node.parentId ? byId.get(node.parentId) : undefined
    ) {
      seen.add(node.id);
      segments.unshift(cleanFileName(node.name, ''));
    }
    paths.set(folder.id, segments.join('/'));
  }
  return paths;
}

export interface ZipMember {
  name: string;
  /** The folder's path (folderPaths), or null at the root of the archive. */
  folderPath: string | null;
}

/**
 * The entry names of an archive, in the order given: `folder/name`, made unique ignoring case
 * (archives are unpacked on case-insensitive disks too) by numbering the later ones
 * ("a.pdf", "a (2).pdf", "a (3).pdf"). A file never takes the name of a folder of the archive.
 */
export function uniqueEntryNames(members: ZipMember[]): string[] {
  const taken = new Set<string>();
  for (const { folderPath } of members) {
    const segments = folderPath ? folderPath.split('/') : [];
    segments.forEach((_, index) => taken.add(key(segments.slice(0, index + 1).join('/'))));
  }
  return members.map(({ name, folderPath }) => {
    const prefix = folderPath ? `${folderPath}/` : '';
    const extension = extensionOf(name);
    const stem = extension ? name.slice(0, -extension.length) : name;
    let candidate = `${prefix}${name}`;
    for (let n = 2; taken.has(key(candidate)); n += 1) {
      candidate = `${prefix}${stem} (${n})${name.slice(stem.length)}`;
    }
    taken.add(key(candidate));
    return candidate;
  });
}

function key(path: string): string {
  return path.normalize('NFC').toLowerCase();
}
