import { ClsService } from 'nestjs-cls';
import type { AuthUser } from '../../src/common/auth/auth-user';
import { SettingsService } from '../../src/settings/settings.service';
import { type Caller, requestsAs } from './http';
import type { TestApp } from './test-app';

/** PUT /settings/{key} `{ value }` as `caller`; the answer, for the caller to check. */
export function putSetting(t: TestApp, caller: Caller, key: string, value: unknown) {
  return requestsAs(t, caller).put(`/settings/${key}`, { value });
}

/** Replaces catalogue `name` (`catalog.<name>`) through the settings service, as `admin`. */
export async function putCatalog(
  t: TestApp,
  admin: AuthUser,
  name: string,
  value: { value: string; label: string }[],
): Promise<void> {
  await t.app
    .get(ClsService)
    .run(() => t.app.get(SettingsService).put(admin, `catalog.${name}`, { value }));
}
