import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ApplicationPipeline } from '../applications/reads/application-pipeline';
import { branchSummaries } from '../branches/branch-queries';
import type { AuthUser } from '../common/auth/auth-user';
import { findUserSummaries } from '../users/user-queries';
import { idsToName, officerName, pipelineOf } from './dashboard-pipeline';
import type { DashboardPipelineDto } from './dto/dashboard-pipeline.dto';
import type { DashboardPipelineQuery } from './dto/dashboard-pipeline.query';

/**
 * `GET /dashboard/pipeline`: the grouped figures from the applications module (one GROUPING SETS
 * query, in the caller's scope), then the names of the branches and officers present, each one
 * lookup by ids through the module that owns them (both at once), whatever the number of groups.
 */
@Injectable()
export class DashboardPipelineService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly applications: ApplicationPipeline,
  ) {}

  async pipeline(caller: AuthUser, query: DashboardPipelineQuery): Promise<DashboardPipelineDto> {
    const rows = await this.applications.rows(caller, query);
    const ids = idsToName(rows);
    const [branches, officers] = await Promise.all([
      branchSummaries(this.txHost.tx, ids.branches),
      findUserSummaries(this.txHost.tx, ids.officers),
    ]);
    return pipelineOf(rows, {
      branches: new Map(branches.map((branch) => [branch.id, branch.name])),
      officers: new Map(officers.map((user) => [user.id, officerName(user)])),
    });
  }
}
