import { randomBytes } from 'node:crypto';
import { tag } from './unique';

/** A unique id number with letters, as a clerk would type it (so that case can differ). */
export const newCustomerIdNumber = (): string => `N${randomBytes(5).toString('hex').toUpperCase()}`;

/** A valid POST /customers body with a unique name and id number. */
export function newCustomerBody(fields: Record<string, unknown> = {}): {
  full_name_latin: string;
  id_card_type: string;
  id_number: string;
  [field: string]: unknown;
} {
  return {
    full_name_latin: `Sok Dara ${tag()}`,
    id_card_type: 'cambodian_identity',
    id_number: newCustomerIdNumber(),
    ...fields,
  };
}
