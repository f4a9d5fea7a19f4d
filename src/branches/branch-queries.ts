import type { EntityManager } from 'typeorm';
import { Branch } from './branch.entity';

/** A branch as other records show it. */
export interface BranchSummary {
  id: string;
  name: string;
  code: string;
}

/** Read-only, for other modules: the branches of `ids`, by name (ignoring case), then id. */
export async function branchSummaries(
  manager: EntityManager,
  ids: string[],
): Promise<BranchSummary[]> {
  if (ids.length === 0) return [];
  const branches = await manager
    .getRepository(Branch)
    .createQueryBuilder('b')
    .select(['b.id', 'b.name', 'b.code'])
    .where('b.id IN (:...ids)', { ids })
    .orderBy('lower(b.name)')
    .addOrderBy('b.id')
    .getMany();
  return branches.map(({ id, name, code }) => ({ id, name, code }));
}
