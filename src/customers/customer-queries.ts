/**
 * Read-only queries on customers for other modules (STYLE "Boundaries": a module owns its
 * tables, others run the read-only query functions it exports). Never an id number.
 */
import { type EntityManager, In } from 'typeorm';
import { Customer } from './customer.entity';
import type { CustomerScopeFields } from './customer-scope';

/** A customer's id and the columns its scope looks at. */
export type CustomerPlace = CustomerScopeFields & { id: string };

/** The customers with these ids (those that exist), in no particular order. */
export function findCustomerPlaces(
  manager: EntityManager,
  ids: readonly string[],
): Promise<CustomerPlace[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return manager.getRepository(Customer).find({
    select: { id: true, branchId: true, departmentId: true, createdBy: true },
    where: { id: In([...new Set(ids)]) },
  });
}
