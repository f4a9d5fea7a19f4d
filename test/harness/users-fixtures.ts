import { tag } from './unique';

/** A valid POST /users body with unique names. */
export function newUserBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const id = tag();
  return {
    username: `new.user_${id}`,
    email: `new_${id}@example.test`,
    password: 'Str0ngPassword',
    first_name: 'Dara',
    last_name: `Sok ${id}`,
    ...fields,
  };
}
