package dev.lethe.core.audit;

/**
 * One check of a store audit.
 *
 * @param name what was checked
 * @param passed whether it holds
 * @param detail what was found (counts on success, the offending files or ids' hashes on failure)
 */
public record AuditCheck(String name, boolean passed, String detail) {
}
