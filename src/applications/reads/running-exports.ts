/**
 * At most one CSV export per user at a time (a cost bound: an export reads every row in scope
 * and holds a socket for as long as the client takes). Kept in this process: an export holds
 * no database connection while it streams (each batch is a short query of its own), so a
 * PostgreSQL advisory lock, which lives on a connection, would cost a pool connection per
 * running export. With several instances behind a load balancer the bound is per instance.
 */
export class RunningExports {
  private readonly users = new Set<string>();

  /**
   * Claims the user's slot: a function that frees it (calling it again does nothing), or null
   * when the user already has an export running.
   */
  claim(userId: string): (() => void) | null {
    if (this.users.has(userId)) return null;
    this.users.add(userId);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.users.delete(userId);
    };
  }
}
