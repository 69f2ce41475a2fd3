/**
 * Moving an existing setup to its modern equivalent (docs/migration.md): {@link dev.impersonation.migration.AccessPolicyMigration}
 * reads what an app's application access policy grants today and proposes the RBAC for Applications setup that replaces
 * it, to be planned, applied and verified like any other.
 */
package dev.impersonation.migration;
