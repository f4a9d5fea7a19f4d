/**
 * The shape of `GET /dashboard/pipeline` from the grouped rows the applications module returns
 * (applications/reads/application-pipeline.ts). Pure: the counting and the money arithmetic
 * happen in SQL (numeric, never floats); this gathers each group's currencies into one entry,
 * adds the names, orders the entries and turns decimal text into JSON numbers at the boundary.
 */
import type { PipelineDimension, PipelineRow } from '../applications/reads/application-pipeline';
import { moneyJson } from '../common/money';
import { APPLICATION_STATUSES } from '../enums/code-enums';
import type {
  DashboardPipelineDto,
  PipelineAmountsDto,
  PipelineFiguresDto,
} from './dto/dashboard-pipeline.dto';

/** The names the entries show: branch names by branch id, officer names by user id. */
export interface PipelineNames {
  branches: ReadonlyMap<string, string>;
  officers: ReadonlyMap<string, string>;
}

/** One group (key) of a dimension with its figures, every currency gathered. */
interface Group extends PipelineFiguresDto {
  key: string | null;
}

/** The groups of one dimension, in the order of first appearance. */
function groupsOf(rows: readonly PipelineRow[], dimension: PipelineDimension): Group[] {
  const groups = new Map<string | null, Group>();
  for (const row of rows) {
    if (row.dimension !== dimension) continue;
    let group = groups.get(row.key);
    if (!group) groups.set(row.key, (group = { key: row.key, count: 0, amounts: [] }));
    group.count += row.count;
    group.amounts.push(amountsOf(row));
  }
  for (const group of groups.values()) {
    group.amounts.sort((a, b) => a.currency.localeCompare(b.currency));
  }
  return [...groups.values()];
}

function amountsOf(row: PipelineRow): PipelineAmountsDto {
  return {
    currency: row.currency,
    requested: moneyJson(row.requested) ?? 0,
    approved: moneyJson(row.approved) ?? 0,
  };
}

/** Most applications first; then by `label` (null last), then by key, so the order is stable. */
function byCountThenLabel<T extends Group>(groups: T[], label: (group: T) => string | null): T[] {
  const text = (value: string | null) => value ?? '\uffff';
  return groups.sort(
    (a, b) =>
      b.count - a.count ||
      text(label(a)).localeCompare(text(label(b))) ||
      text(a.key).localeCompare(text(b.key)),
  );
}

/** The figures of a group, without its key. */
const figures = (group: Group): PipelineFiguresDto => ({
  count: group.count,
  amounts: group.amounts,
});

/** A user's name as the pipeline shows it: first and last name, else the username. */
export function officerName(user: {
  username: string;
  firstName: string | null;
  lastName: string | null;
}): string {
  const name = [user.firstName, user.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ');
  return name || user.username;
}

/**
 * The answer: every status in lifecycle order (0 and no amounts when none; statuses unknown to
 * the code, if any, after them), then branches, officers and products, most applications first.
 */
export function pipelineOf(
  rows: readonly PipelineRow[],
  names: PipelineNames,
): DashboardPipelineDto {
  const statuses = new Map(groupsOf(rows, 'status').map((group) => [group.key, group]));
  const known = APPLICATION_STATUSES.map((status) => status.value as string);
  const by_status = [
    ...known,
    ...[...statuses.keys()].filter((key): key is string => key !== null && !known.includes(key)),
  ].map((status) => ({
    status,
    ...figures(statuses.get(status) ?? { key: status, count: 0, amounts: [] }),
  }));

  const branchName = (group: Group) => (group.key ? (names.branches.get(group.key) ?? null) : null);
  const officer = (group: Group) => (group.key ? (names.officers.get(group.key) ?? null) : null);
  return {
    by_status,
    by_branch: byCountThenLabel(groupsOf(rows, 'branch'), branchName).map((group) => ({
      branch_id: group.key,
      branch_name: branchName(group),
      ...figures(group),
    })),
    by_officer: byCountThenLabel(
      // user_id is NOT NULL: every group has a key.
      groupsOf(rows, 'officer').filter((group) => group.key !== null),
      officer,
    ).map((group) => ({
      user_id: group.key!,
      officer_name: officer(group),
      ...figures(group),
    })),
    by_product: byCountThenLabel(groupsOf(rows, 'product'), (group) => group.key).map((group) => ({
      product_type: group.key,
      ...figures(group),
    })),
  };
}

/** The branch ids and officer ids whose names the answer needs. */
export function idsToName(rows: readonly PipelineRow[]): {
  branches: string[];
  officers: string[];
} {
  const keys = (dimension: PipelineDimension) => [
    ...new Set(
      rows.filter((row) => row.dimension === dimension && row.key !== null).map((row) => row.key!),
    ),
  ];
  return { branches: keys('branch'), officers: keys('officer') };
}
