/**
 * The folders' tree queries (recursive CTEs), as plain functions over the caller's transaction's
 * manager. `UNION` (not `UNION ALL`) keeps a walk finite even over a damaged tree.
 */
import type { EntityManager } from 'typeorm';

export interface TreeRow {
  id: string;
  parent_id: string | null;
}

/**
 * The folder and everything below it, each row locked FOR UPDATE (in id order, so that two
 * deletions never wait on each other in a circle) until the transaction ends: no file or
 * sub-folder slips in while it is deleted.
 */
export async function lockSubtree(db: EntityManager, folderId: string): Promise<TreeRow[]> {
  return db.query<TreeRow[]>(
    `WITH RECURSIVE subtree (id) AS (
       SELECT id FROM folders WHERE id = $1
       UNION
       SELECT child.id FROM folders child JOIN subtree ON child.parent_id = subtree.id
     )
     SELECT f.id, f.parent_id FROM folders f
      WHERE f.id IN (SELECT id FROM subtree)
      ORDER BY f.id
        FOR UPDATE OF f`,
    [folderId],
  );
}

/** Whether `candidateId` is `folderId` or lies below it: walks up from the candidate. */
export async function isInSubtree(
  db: EntityManager,
  folderId: string,
  candidateId: string,
): Promise<boolean> {
  const [row] = await db.query<{ inside: boolean }[]>(
    `WITH RECURSIVE ancestors (id, parent_id) AS (
       SELECT id, parent_id FROM folders WHERE id = $2
       UNION
       SELECT parent.id, parent.parent_id
         FROM folders parent JOIN ancestors ON parent.id = ancestors.parent_id
     )
     SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = $1) AS inside`,
    [folderId, candidateId],
  );
  return row.inside;
}

/**
 * Serialises the moves within one tree (an application's folders, or the folders without an
 * application) until the transaction ends: two moves checked at once could each pass the cycle
 * check and together make a loop.
 */
export async function lockTreeForMoves(
  db: EntityManager,
  applicationId: string | null,
): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
    `folders-tree:${applicationId ?? 'unattached'}`,
  ]);
}
