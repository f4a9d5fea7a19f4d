/**
 * Records of the modules above users that name a user (as its creator, submitter, reviewer,
 * approver, uploader...). Their foreign keys refuse the user's deletion, so a user they name
 * is deactivated instead (DELETE /users/{id}), and the answer says which kinds they are.
 * Users cannot read those tables (STYLE.md "Boundaries"): each owning module answers through
 * its token, wired in app.module.ts (`UsersModule.forRoot`). Every foreign key to users
 * without ON DELETE needs an answer here (or in units-for-users.ts), or deleting such a user
 * fails; the users e2e suite compares the kinds with the database's foreign keys.
 */
export interface RecordsNamingUser {
  /** Whether any of its records names the user. Runs in the caller's transaction. */
  namesUser(userId: string): Promise<boolean>;
}

/** Applications the user created, submitted, reviews, approved or rejected. */
export const APPLICATIONS_NAMING_USER = Symbol('ApplicationsNamingUser');
/** Customers the user created. */
export const CUSTOMERS_NAMING_USER = Symbol('CustomersNamingUser');
/** Folders the user created. */
export const FOLDERS_NAMING_USER = Symbol('FoldersNamingUser');
/** Files the user uploaded. */
export const FILES_NAMING_USER = Symbol('FilesNamingUser');
