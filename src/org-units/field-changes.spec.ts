import { applyFieldChanges, statusChange } from './field-changes';

describe('applyFieldChanges', () => {
  const fields = { name: 'name', manager_id: 'managerId', is_active: 'isActive' } as const;

  it('copies present fields and returns only those that changed, by API name', () => {
    const entity = { name: 'Credit', managerId: 'a' as string | null, isActive: true };
    const changes = applyFieldChanges(entity, { name: 'Credit', manager_id: null }, fields);
    expect(changes).toEqual({ manager_id: null });
    expect(entity).toEqual({ name: 'Credit', managerId: null, isActive: true });
  });

  it('leaves absent fields alone', () => {
    const entity = { name: 'Credit', managerId: null, isActive: true };
    expect(applyFieldChanges(entity, {}, fields)).toEqual({});
    expect(applyFieldChanges(entity, { is_active: undefined }, fields)).toEqual({});
    expect(entity.isActive).toBe(true);
  });
});

describe('statusChange', () => {
  it('names the from and to status only when is_active changed', () => {
    expect(statusChange(true, true)).toEqual({});
    expect(statusChange(true, false)).toEqual({ fromStatus: 'active', toStatus: 'inactive' });
    expect(statusChange(false, true)).toEqual({ fromStatus: 'inactive', toStatus: 'active' });
  });
});
