import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ApplicationAccess } from '../applications/application-access';
import type { AuthUser } from '../common/auth/auth-user';

/** How many documents and how many bytes; `bytes` is numeric text (a sum of bigints). */
export interface FileTotalsRow {
  total: number;
  bytes: string;
}

/**
 * The number and size of the documents a caller has (the dashboard's `files`, issue 13): the
 * files of the applications in their scope (ApplicationAccess, as the files list scopes) and
 * their own uploads not attached to an application. Unlike the list, an admin counts only their
 * own unattached uploads too: the figure is the caller's documents, not the store's.
 */
@Injectable()
export class FileTotals {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationAccess,
  ) {}

  /**
   * One statement of two parts, each with a plan of its own (one condition `attached in scope
   * OR own unattached` would be a scan of every file with the scope as a hashed sub-plan): the
   * attached files are a semi-join with the applications in scope, whose files
   * files_application_size_idx gives with their sizes (index-only, per application, when the
   * scope holds few); the unattached ones come from files_uploaded_by_idx.
   */
  async totals(caller: AuthUser): Promise<FileTotalsRow> {
    const sum = (alias: string) =>
      this.txHost.tx
        .createQueryBuilder()
        .from('files', alias)
        .select('count(*)', 'total')
        .addSelect(`coalesce(sum(${alias}.file_size), 0)`, 'bytes');
    const attached = sum('f').where('f.application_id IS NOT NULL');
    const inScope = this.applications.scopeCondition(caller, 'f.application_id');
    if (inScope) attached.andWhere(inScope.sql, inScope.params);
    const unattached = sum('u')
      .where('u.application_id IS NULL')
      .andWhere('u.uploaded_by = :fileOwner', { fileOwner: caller.id });
    const row = await this.txHost.tx
      .createQueryBuilder()
      .from(`(${attached.getQuery()})`, 'attached')
      .addFrom(`(${unattached.getQuery()})`, 'unattached')
      .setParameters({ ...attached.getParameters(), ...unattached.getParameters() })
      .select('(attached.total + unattached.total)::int', 'total')
      .addSelect('(attached.bytes + unattached.bytes)::text', 'bytes')
      .getRawOne<FileTotalsRow>();
    return row ?? { total: 0, bytes: '0' };
  }
}
