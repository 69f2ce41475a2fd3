package dev.impersonation.examples;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;

/**
 * One vendor how-to procedure (docs/vendor-procedures.md) expressed with this library: the legacy procedure on Exchange Server and
 * its modern equivalent on Exchange Online, each against a FakeTenant seeded like a customer's tenant.
 */
public interface VendorExample {
  /** A short id used in file names, e.g. "rooms". */
  String id();

  /** What the vendor procedure is. */
  String title();

  /** A fresh tenant of the given kind, seeded as the procedure assumes. */
  FakeTenant tenant(TenantTarget.Kind kind);

  /** The setups that express the procedure on that kind of tenant (usually one). */
  List<ImpersonationSetup> setups(TenantTarget.Kind kind);

  /** Every example, in the order of docs/vendor-procedures.md. */
  static List<VendorExample> all() {
    return List.of(new PenelopeExample(), new RevenueInboxExample(), new ReschedgeExample(), new RoomBookingExample(),
        new RivaExample(), new EwsVendorExample());
  }

  /** The file-name part for a target kind. */
  static String targetId(TenantTarget.Kind kind) {
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE ? "exchange-online" : "exchange-server";
  }
}
