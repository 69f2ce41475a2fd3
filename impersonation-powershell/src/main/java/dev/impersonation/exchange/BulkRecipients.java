package dev.impersonation.exchange;

import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.spi.Recipient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Recipients read in filter chunks (docs/exchange-admin-rest.md#bulk): {@code Get-Recipient -Filter "(PrimarySmtpAddress
 * -eq 'a') -or …" -ResultSize Unlimited}, then {@code Get-CASMailbox} with the same kind of filter for the mailboxes'
 * {@code EwsEnabled}: two calls per {@value #CHUNK} identities instead of two per identity. An identity that is not a
 * primary SMTP address (a UPN, an alias) is not matched here and is left to a single look-up.
 */
final class BulkRecipients {
  /** Identities per filter: the service documents no length limit for -Filter, so a conservative bound [U]. */
  static final int CHUNK = 50;
  /** Identities from which listing the tenant's mailboxes is tried first. */
  static final int LISTING_FROM = 1000;
  /** Mailboxes listed per identity at most: past this, chunks are cheaper. */
  static final int LISTING_FACTOR = 20;

  private BulkRecipients() {}

  static Map<String, Recipient> find(List<String> identities, Function<Cmdlet, List<Map<String, Object>>> run) {
    return find(identities, run, null);
  }

  /**
   * As {@link #find(List, Function)}, the chunks read up to {@code parallel}'s limit at once (each chunk's two reads in
   * order); null reads them one at a time.
   */
  static Map<String, Recipient> find(List<String> identities, Function<Cmdlet, List<Map<String, Object>>> run, ParallelCmdlets parallel) {
    Map<String, Recipient> listed = identities.size() >= LISTING_FROM ? listing(identities, run) : Map.of();
    List<String> rest = listed.isEmpty() ? identities
        : identities.stream().filter(i -> !listed.containsKey(i.toLowerCase(Locale.ROOT))).toList();
    Map<String, Recipient> out = new LinkedHashMap<>(listed);
    out.putAll(chunked(rest, run, parallel));
    return out;
  }

  /**
   * From {@value #LISTING_FROM} identities on, listing the tenant's mailboxes (1,000 per page) may cost less than chunks
   * of 50: it does when the tenant has fewer than {@value #LISTING_FACTOR} mailboxes per identity. The listing asks for
   * at most that many; a shorter answer is the whole tenant, and its mailboxes' EWS settings are then listed the same way
   * ({@code Get-CASMailbox}). A full answer means a larger tenant: nothing is taken from it and the chunks do the work
   * (at most twice the chunks' cost, against N/1,000 pages instead of N/25 when most of the tenant is in scope).
   */
  private static Map<String, Recipient> listing(List<String> identities, Function<Cmdlet, List<Map<String, Object>>> run) {
    int limit = LISTING_FACTOR * identities.size();
    List<Map<String, Object>> rows = run.apply(Cmdlet.of("Get-Recipient").list("RecipientTypeDetails", CmdletExchangeBackend.MAILBOX_TYPES)
        .text("ResultSize", String.valueOf(limit)));
    if (rows.size() >= limit) {
      return Map.of();
    }
    Map<String, Recipient> bySmtp = new HashMap<>();
    for (Map<String, Object> row : rows) {
      Recipient r = CmdletRows.recipient(row);
      bySmtp.put(r.primarySmtpAddress().toLowerCase(Locale.ROOT), r);
    }
    for (Map<String, Object> cas : run.apply(Cmdlet.of("Get-CASMailbox").text("ResultSize", String.valueOf(limit)))) {
      String smtp = CmdletRows.str(cas, "PrimarySmtpAddress").toLowerCase(Locale.ROOT);
      Recipient r = bySmtp.get(smtp);
      if (r != null) {
        boolean ews = cas.get("EwsEnabled") == null || CmdletRows.bool(cas, "EwsEnabled");
        bySmtp.put(smtp, new Recipient(r.name(), r.primarySmtpAddress(), r.distinguishedName(), r.type(), ews));
      }
    }
    Map<String, Recipient> out = new LinkedHashMap<>();
    for (String identity : identities) {
      Recipient r = bySmtp.get(identity.toLowerCase(Locale.ROOT));
      if (r != null) {
        out.put(identity.toLowerCase(Locale.ROOT), r);
      }
    }
    return out;
  }

  private static Map<String, Recipient> chunked(List<String> identities, Function<Cmdlet, List<Map<String, Object>>> run,
      ParallelCmdlets parallel) {
    List<List<String>> chunks = new ArrayList<>();
    for (int from = 0; from < identities.size(); from += CHUNK) {
      chunks.add(identities.subList(from, Math.min(identities.size(), from + CHUNK)));
    }
    List<Map<String, Recipient>> found = parallel == null ? chunks.stream().map(c -> chunk(c, run)).toList()
        : parallel.readAll(chunks, c -> chunk(c, run));
    Map<String, Recipient> out = new LinkedHashMap<>();
    found.forEach(out::putAll);
    return out;
  }

  /** One chunk: its recipients, then the EWS setting of those that are mailboxes; by lower-case identity. */
  private static Map<String, Recipient> chunk(List<String> chunk, Function<Cmdlet, List<Map<String, Object>>> run) {
    Map<String, Recipient> out = new LinkedHashMap<>();
    Map<String, Recipient> bySmtp = new HashMap<>();
    List<String> mailboxes = new ArrayList<>();
    for (Map<String, Object> row : run.apply(Cmdlet.of("Get-Recipient").text("Filter", filter(chunk)).text("ResultSize", "Unlimited"))) {
      Recipient r = CmdletRows.recipient(row);
      bySmtp.put(r.primarySmtpAddress().toLowerCase(Locale.ROOT), r);
      if (r.type().isMailbox()) {
        mailboxes.add(r.primarySmtpAddress());
      }
    }
    if (!mailboxes.isEmpty()) {
      for (Map<String, Object> cas : run.apply(Cmdlet.of("Get-CASMailbox").text("Filter", filter(mailboxes))
          .text("ResultSize", "Unlimited"))) {
        String smtp = CmdletRows.str(cas, "PrimarySmtpAddress").toLowerCase(Locale.ROOT);
        Recipient r = bySmtp.get(smtp);
        if (r != null) {
          boolean ews = cas.get("EwsEnabled") == null || CmdletRows.bool(cas, "EwsEnabled");
          bySmtp.put(smtp, new Recipient(r.name(), r.primarySmtpAddress(), r.distinguishedName(), r.type(), ews));
        }
      }
    }
    for (String identity : chunk) {
      Recipient r = bySmtp.get(identity.toLowerCase(Locale.ROOT));
      if (r != null) {
        out.put(identity.toLowerCase(Locale.ROOT), r);
      }
    }
    return out;
  }

  /** {@code (PrimarySmtpAddress -eq 'a') -or (PrimarySmtpAddress -eq 'b')}, each value an OPATH literal (quotes doubled). */
  static String filter(List<String> addresses) {
    List<String> terms = new ArrayList<>();
    for (String a : addresses) {
      terms.add("(PrimarySmtpAddress -eq '" + a.replace("'", "''") + "')");
    }
    return String.join(" -or ", terms);
  }
}
