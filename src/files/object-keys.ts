/**
 * The object keys of documents (SPEC §8): made by the server, never from a client's name, and
 * never changed when a folder is renamed or moved. Thumbnails sit beside their original.
 */
import { randomUUID } from 'node:crypto';

/** The sizes a thumbnail is made in (`GET /files/{id}/thumbnail?size=`). */
export const THUMBNAIL_SIZES = [128, 256, 512, 1024] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

/**
 * A new key: `applications/{application_id}/{folder_id or root}/{uuid}{ext}` for a document of
 * an application, `user-uploads/{user_id}/{uuid}{ext}` for one not attached to any.
 */
export function newObjectKey(
  target: { userId: string; applicationId: string | null; folderId: string | null },
  extension: string,
): string {
  const name = `${randomUUID()}${extension}`;
  return target.applicationId
    ? `applications/${target.applicationId}/${target.folderId ?? 'root'}/${name}`
    : `user-uploads/${target.userId}/${name}`;
}

/** Where the thumbnail of `size` of the object at `key` is stored. */
export function thumbnailKey(key: string, size: ThumbnailSize): string {
  return `${key}.thumb-${size}.jpg`;
}

/** Every object a file may have: the original and its thumbnails (deleted together). */
export function objectKeysOf(key: string): string[] {
  return [key, ...THUMBNAIL_SIZES.map((size) => thumbnailKey(key, size))];
}
